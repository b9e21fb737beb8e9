"""TEMPORARY: the venue's REST base URL, until ``Venue.url`` lands (part P).

Only ``Runtime._sim`` (read by a regression test for the embedded simulator's
address) uses it. Delete this module when the ``Venue`` protocol has ``url``.
"""

from __future__ import annotations

from engine.venues.base import Venue


def venue_url(venue: Venue) -> str:
    """The venue's REST base URL (the embedded simulator's loopback address)."""
    url = getattr(venue, "url", None)
    if url is None:
        url = venue.urls.rest  # type: ignore[attr-defined]
    return str(url)
