"""Request params of the simulated Binance: the one integer parser and the "all read" rule.

- :func:`int_param`: integers are ASCII ``[0-9]{1,19}`` only (never ``str.isdigit``,
  which takes Unicode digits, nor unbounded lengths). Missing gives -1102, anything
  else -1100 "Illegal characters found in parameter '<name>'; legal range is '...'.".
- :func:`check_all_read`: a param the endpoint does not read gives -1104 (Binance's
  UNREAD_PARAMETERS, text from the spot error page [verify] for USD-M), so a signed
  request cannot be re-split between query and body to smuggle a stray param.
  ``signature``, ``timestamp`` and ``recvWindow`` count as read on signed endpoints.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from collections.abc import Mapping

from engine.venues.binance_sim.errors import BinanceSimError

INT_TEXT = re.compile(r"[0-9]{1,19}")
SIGNED_PARAMS = frozenset({"signature", "timestamp", "recvWindow"})


def mandatory(name: str) -> BinanceSimError:
    return BinanceSimError(
        -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."
    )


def ascii_int(text: str) -> int | None:
    """``text`` as an int iff it is 1 to 19 ASCII digits, else None."""
    return int(text) if INT_TEXT.fullmatch(text) else None


def int_param(params: Mapping[str, str], name: str, default: int | None = None) -> int:
    """The integer param ``name``; ``default`` if absent, -1102 if absent with no default,
    -1100 unless ASCII ``[0-9]{1,19}``."""
    text = params.get(name)
    if text is None:
        if default is None:
            raise mandatory(name)
        return default
    value = ascii_int(text)
    if value is None:
        raise BinanceSimError(
            -1100,
            f"Illegal characters found in parameter '{name}'; legal range is '{INT_TEXT.pattern}'.",
        )
    return value


def check_all_read(params: Collection[str], reads: Collection[str], *, signed: bool) -> None:
    """-1104 if ``params`` names anything outside ``reads`` (plus the signed params)."""
    sent = len(params) + (1 if signed and "signature" not in params else 0)
    stray = [p for p in params if p not in reads and not (signed and p in SIGNED_PARAMS)]
    if stray:
        read = sent - len(stray)
        raise BinanceSimError(
            -1104,
            f"Not all sent parameters were read; read '{read}' parameter(s) but was sent '{sent}'.",
        )
