"""Hypothesis profiles of the invariant tests (applied to these tests only).

``invariants`` (the default) fits the test command: 200 sequences of up to 40 steps
(about 20 s when every invariant holds), derandomized, no deadline; a failure prints
the shrunk step sequence and a reproduction blob (shrinking takes a minute or two). ``long`` is the
soak: ``HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/invariants``.
The profiles are registered here but never loaded globally, so the rest of the
suite keeps Hypothesis's defaults; the state machine picks one with
:func:`invariant_settings`.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import settings

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
# no "explain" phase: it re-runs a failing sequence hundreds of times (about a minute here)
# to mark lines; the shrunk sequence and its blob are what a failure needs to show
_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink)

# what both profiles share: no deadline, a blob to reproduce, the slow checks and phases above
_COMMON = dict(deadline=None, print_blob=True, suppress_health_check=_SLOW_OK, phases=_PHASES)

settings.register_profile(
    "invariants", max_examples=200, stateful_step_count=40, derandomize=True, **_COMMON
)
settings.register_profile(
    "long", max_examples=5_000, stateful_step_count=100, derandomize=False, **_COMMON
)


def invariant_settings() -> settings:
    """The profile named by ``HYPOTHESIS_PROFILE`` if it is ``long``, else ``invariants``."""
    name = "long" if os.environ.get("HYPOTHESIS_PROFILE") == "long" else "invariants"
    return settings.get_profile(name)
