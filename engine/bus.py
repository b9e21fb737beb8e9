"""The event bus: fans the engine's events out to subscribers.

The core (and the runtime around it) announce every change as an event from
``engine.model.events`` (where the event types live); the runtime publishes them
here, and the store writer, the logs, Telegram and metrics subscribe. Subscribers
are called synchronously on the event loop and must not block: the store writer
and the Telegram outbox only enqueue. A subscriber that raises is counted and
logged, and never stops the others or trading.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Iterable

from engine.model.events import EngineEvent

log = logging.getLogger("scalpbot.events")

Subscriber = Callable[[EngineEvent], object]  # a return value is ignored


class EventBus:
    """Synchronous fan-out of events to named subscribers, in subscription order."""

    def __init__(self) -> None:
        self._subs: list[tuple[str, Subscriber]] = []
        self.published = 0
        self.failures: dict[str, int] = {}

    def subscribe(self, name: str, fn: Subscriber) -> None:
        self._subs.append((name, fn))

    def unsubscribe(self, name: str) -> None:
        self._subs = [(n, f) for n, f in self._subs if n != name]

    def publish(self, event: EngineEvent) -> None:
        self.published += 1
        for name, fn in self._subs:
            try:
                fn(event)
            except Exception:
                self.failures[name] = self.failures.get(name, 0) + 1
                log.exception("event subscriber %s failed on %s", name, type(event).__name__)

    def publish_all(self, events: Iterable[EngineEvent]) -> None:
        for event in events:
            self.publish(event)
