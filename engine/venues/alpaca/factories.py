"""Build the Alpaca venue from its frozen :class:`~engine.venues.base.VenueSpec`.

``url`` None is Alpaca paper (``AlpacaUrls.paper``); any other URL is an
Alpaca-compatible server holding REST, trade_updates and the data stream under one
base (the simulated venue). ``data_url`` replaces the data stream URL. The execution
opens no socket until used; leaving the context closes it.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import AsyncIterator

from engine.model import Instrument
from engine.model import Symbol
from engine.venues.alpaca.config import AlpacaUrls
from engine.venues.alpaca.config import DataConfig
from engine.venues.alpaca.config import ExecutionConfig
from engine.venues.alpaca.data import AlpacaMarketData
from engine.venues.alpaca.execution import AlpacaExecution
from engine.venues.base import Venue
from engine.venues.base import VenueSpec


class AlpacaVenue:
    """An Alpaca-protocol venue: the execution, and the data feed once instruments are known."""

    def __init__(self, spec: VenueSpec, urls: AlpacaUrls, name: str) -> None:
        self.spec = spec
        self.urls = urls
        self._name = name
        config = ExecutionConfig(
            urls.rest, spec.key, spec.secret, timeout_s=spec.timeout_s, stream_url=urls.updates
        )
        self._execution = AlpacaExecution(config)

    def __repr__(self) -> str:
        return f"AlpacaVenue({self._name!r}, rest={self.urls.rest!r})"

    @property
    def name(self) -> str:
        return self._name

    @property
    def url(self) -> str:
        return self.urls.rest

    @property
    def execution(self) -> AlpacaExecution:
        return self._execution

    def market_data(
        self, instruments: dict[Symbol, Instrument], rng: random.Random
    ) -> AlpacaMarketData:
        spec = self.spec
        config = DataConfig(self.urls.data, spec.key, spec.secret, stale_after_s=spec.stale_after_s)
        return AlpacaMarketData(config, instruments, rng=rng)


def alpaca_urls(spec: VenueSpec, url: str | None) -> AlpacaUrls:
    """Paper when ``url`` is None, else everything under ``url``; then ``spec.data_url``."""
    urls = AlpacaUrls.paper(spec.feed) if url is None else AlpacaUrls.from_venue_url(url, spec.feed)
    if spec.data_url:
        urls = AlpacaUrls(urls.rest, spec.data_url, urls.updates)
    return urls


@contextlib.asynccontextmanager
async def alpaca_venue(spec: VenueSpec, url: str | None, name: str) -> AsyncIterator[AlpacaVenue]:
    """An Alpaca-protocol venue at ``url`` (None: Alpaca paper), closed on exit."""
    venue = AlpacaVenue(spec, alpaca_urls(spec, url), name)
    try:
        yield venue
    finally:
        with contextlib.suppress(Exception):
            await venue.execution.close()


def open_alpaca(spec: VenueSpec) -> contextlib.AbstractAsyncContextManager[Venue]:
    """The registry's factory for ``kind = "alpaca"``."""
    return alpaca_venue(spec, spec.url, "alpaca")


__all__ = ["AlpacaVenue", "alpaca_urls", "alpaca_venue", "open_alpaca"]
