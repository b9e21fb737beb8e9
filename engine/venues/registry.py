"""Venues by ``[venue] kind``: the one place the runtime gets a venue from.

``open_venue(spec)`` returns the venue's lifetime as an async context manager: enter
starts what the venue needs (the embedded simulator, a check of the URL) and builds
the execution; exit closes them, also after a failure half-way. A new venue is a
package ``engine/venues/<kind>/`` (config.py, data.py, execution.py, factories.py)
plus one line in :data:`FACTORIES`.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

from engine.venues.alpaca.factories import open_alpaca
from engine.venues.base import Venue
from engine.venues.base import VenueFactory
from engine.venues.base import VenueSpec
from engine.venues.sim.factories import open_sim

FACTORIES: dict[str, VenueFactory] = {
    "alpaca": open_alpaca,
    "sim": open_sim,
}


class UnknownVenueError(ValueError):
    """No factory for the venue kind."""


def check_venue_kind(kind: str) -> VenueFactory:
    """The factory of ``kind``; :class:`UnknownVenueError` (naming ``venue.kind`` and
    the kinds known) when there is none."""
    try:
        return FACTORIES[kind]
    except KeyError:
        known = ", ".join(sorted(FACTORIES))
        raise UnknownVenueError(
            f"venue.kind: unknown venue kind {kind!r} (known: {known})"
        ) from None


def open_venue(spec: VenueSpec) -> AbstractAsyncContextManager[Venue]:
    """The venue ``spec.kind`` names, built from ``spec`` (nothing starts until entered)."""
    return check_venue_kind(spec.kind)(spec)


__all__ = ["FACTORIES", "UnknownVenueError", "check_venue_kind", "open_venue"]
