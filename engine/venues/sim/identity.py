"""How a bot tells the simulated venue from anything else at a URL.

A ``sim`` venue is never treated as live (no ``allow_live``, limits may be 0), so a
bot given one by URL first asks ``GET /sim/identity`` (no credentials sent) and
refuses to start unless the simulator answers: a proxy to a live account, or any
other server, does not.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import aiohttp

from engine.config.schema import is_loopback
from engine.venues.base import VenueRefusedError

IDENTITY_PATH = "/sim/identity"
IDENTITY: dict[str, Any] = {"venue": "scalpbot-sim", "protocol": 1}


class NotTheSimulatorError(VenueRefusedError, RuntimeError):
    """The URL of a ``sim`` venue is not the scalpbot simulator (the message names the
    URL, which never carries credentials)."""


def check_sim_url(url: str) -> None:
    """A sim venue off loopback must use https (its keys would travel in clear)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise NotTheSimulatorError(f"{url}: a simulated venue's URL must be http(s)")
    if parts.scheme != "https" and not is_loopback((parts.hostname or "").lower()):
        raise NotTheSimulatorError(
            f"{url}: a simulated venue off loopback must use https:// (keys would travel in clear)"
        )


async def prove_simulator(url: str, timeout_s: float = 5.0) -> None:
    """Raise :class:`NotTheSimulatorError` unless the scalpbot simulator answers at ``url``."""
    check_sim_url(url)
    where = url.rstrip("/") + IDENTITY_PATH
    hint = (
        f"{url} is not the scalpbot simulator (GET {IDENTITY_PATH} answered %s); "
        'venue.kind = "sim" with a URL must point at `scalpbot sim-venue` '
        '(for Alpaca, or a proxy to it, set venue.kind = "alpaca")'
    )
    try:
        timeout = aiohttp.ClientTimeout(total=timeout_s)
        async with (
            aiohttp.ClientSession(timeout=timeout) as http,
            http.get(where, allow_redirects=False) as resp,
        ):
            body = await resp.json(content_type=None) if resp.status == 200 else None
            status = resp.status
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        if isinstance(exc, aiohttp.ClientConnectionError | TimeoutError):
            raise NotTheSimulatorError(
                f"cannot reach the simulated venue at {url}: {exc!r}"
            ) from None
        raise NotTheSimulatorError(hint % "no valid answer") from None
    if status != 200:
        raise NotTheSimulatorError(hint % status)
    if body != IDENTITY:
        raise NotTheSimulatorError(hint % "something else")
