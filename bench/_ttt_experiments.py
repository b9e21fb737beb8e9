"""Changes to try in the bot of ``bench/tick_to_trade.py`` before making them for real.

``tick_to_trade.py --try NAME[,NAME...]`` applies them inside the bot process
only; nothing here is production code, and the table says which were on:

- ``no_store``: the store writer drops everything (an upper bound for moving
  persistence off the event loop; not a change to make as such).
- ``quiet_log``: log level WARNING instead of INFO (no per-fill log line).
- ``exporter``: serve /metrics (the metrics plugin) and scrape it every second.
- ``gc_threshold``: fewer, larger young collections:
  ``gc.set_threshold(50_000, 50, 1000)`` (tells GC pauses from other stalls).

Tried earlier and since made production code: ``gc_freeze`` (``gc.freeze()``
once the runtime is ready) and ``sync_submit`` (the order request written
inside ``on_quote`` on a kept-alive connection: ``engine.venues.http1``).
"""

from __future__ import annotations

import gc

NAMES = ("no_store", "quiet_log", "exporter", "gc_threshold")


def before_start(names: list[str]) -> None:
    """Apply the experiments that patch classes (before the runtime is built)."""
    unknown = set(names) - set(NAMES)
    if unknown:
        raise SystemExit(f"unknown experiment(s) {sorted(unknown)}; known: {', '.join(NAMES)}")
    if "no_store" in names:
        from engine.store.writer import StoreWriter

        StoreWriter.submit = lambda self, item: True  # type: ignore[method-assign]


def after_ready(names: list[str]) -> None:
    if "gc_threshold" in names:
        gc.set_threshold(50_000, 50, 1000)


def log_level(names: list[str]) -> str:
    return "warning" if "quiet_log" in names else "info"
