"""Alpaca market data stream v2: the :class:`MarketData` port.

One connection: ``connected`` -> auth -> subscribe quotes and trades -> stream,
each frame handed to :class:`engine.venues.alpaca.ticks.TickDecoder` (the hot
path: frame -> ``sink.on_quote`` / ``on_trade`` with integers, or
``sink.on_decode_error(reason)``).

Reconnects use exponential backoff with full jitter from the injected rng; the
attempt count resets once a connection has lasted ``backoff_max_s``. Error 406
(connection limit) waits between half and all of ``backoff_max_s``. Auth
failure (402) and refusals retrying cannot fix (400, 405, 409) raise
:class:`AlpacaStreamError` out of :meth:`AlpacaMarketData.run` (fail closed), and
so does a redirect of the upgrade (:class:`AlpacaRedirectError`, never followed:
the auth frame that comes next carries the key pair).

Feed events (``feed="market_data"``): CONNECTED once the subscription is
confirmed; DISCONNECTED when it drops (the runtime then treats every symbol as
stale); STALE for a symbol without an accepted quote for ``stale_after_s`` while
connected (a watchdog checks every quarter of that; a quote the sink refuses,
see ``MarketSink``, does not count, so a symbol whose every tick is dropped goes
stale); FRESH on that symbol's next accepted quote, and on each symbol's first
accepted quote after a reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable
from typing import Literal

import aiohttp

from engine.model import Instrument
from engine.model import Symbol
from engine.model.events import FeedEvent
from engine.model.events import FeedState
from engine.venues.alpaca.config import HEALTHY_CONNECTION_S
from engine.venues.alpaca.config import Backoff
from engine.venues.alpaca.config import DataConfig
from engine.venues.alpaca.errors import ConnectionLimitError
from engine.venues.alpaca.errors import ReconnectError
from engine.venues.alpaca.errors import stream_error
from engine.venues.alpaca.protocol import ActionCodec
from engine.venues.alpaca.protocol import DataCodec
from engine.venues.alpaca.protocol import DataError
from engine.venues.alpaca.protocol import DataSubscription
from engine.venues.alpaca.protocol import DataSuccess
from engine.venues.alpaca.protocol import auth_action
from engine.venues.alpaca.protocol import subscribe_action
from engine.venues.alpaca.rest import client_session
from engine.venues.alpaca.ticks import DataCounters
from engine.venues.alpaca.ticks import Sym
from engine.venues.alpaca.ticks import TickDecoder
from engine.venues.alpaca.ticks import symbol_specs
from engine.venues.base import MarketSink

log = logging.getLogger("scalpbot.venues.alpaca.data")

FEED = "market_data"
MAX_FRAME = 16 * 2**20
_TEXT, _BINARY = aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY
WebSocket = aiohttp.ClientWebSocketResponse[Literal[False]]  # frames arrive as bytes
RETRYABLE = (ReconnectError, aiohttp.ClientError, TimeoutError, OSError)


class AlpacaMarketData:
    """Quotes and trades from Alpaca's stream v2 (or the simulated venue).

    ``config.url`` is the stream (``wss://stream.data.alpaca.markets/v2/iex``) or a
    server root (``ws://`` or ``http://host:port``), to which ``/v2/{feed}`` is appended.
    ``config.encoding`` picks JSON text frames (the default) or msgpack binary frames;
    ``bench/ws_clients.py`` measures both.
    """

    def __init__(
        self,
        config: DataConfig,
        instruments: dict[Symbol, Instrument],
        *,
        rng: random.Random | None = None,
        clock: Callable[[], int] = time.time_ns,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        url = config.url
        if url.startswith(("http://", "https://")):
            url = "ws" + url[4:]
        if "/v2/" not in url and "/v1beta" not in url:
            url = f"{url.rstrip('/')}/v2/{config.feed}"
        self.url = url
        self._key = config.key
        self._secret = config.secret
        self._instruments = instruments
        self._stale_ns = int(config.stale_after_s * 1e9)
        self._heartbeat_s = config.heartbeat_s
        self.backoff = Backoff(
            config.backoff_initial_s, config.backoff_max_s, rng or random.Random()
        )
        self._clock = clock
        self._codec = DataCodec(config.encoding)
        self._handshake_s = config.handshake_timeout_s
        self._session = session
        self._sink: MarketSink | None = None
        self._decoder: TickDecoder | None = None
        self._lasted = 0.0
        self.counters = DataCounters()

    def __repr__(self) -> str:
        return f"AlpacaMarketData(url={self.url!r})"

    @property
    def specs(self) -> dict[str, Sym]:
        """Per-symbol state (quote and trade counts, staleness) of the running stream."""
        return {} if self._decoder is None else self._decoder.specs

    @property
    def subscribed(self) -> tuple[list[str], list[str]]:
        """(quotes, trades) as the venue last confirmed them."""
        return ([], []) if self._decoder is None else self._decoder.subscribed

    async def run(self, symbols: list[Symbol], sink: MarketSink) -> None:
        """Stream until cancelled, reconnecting with backoff (see the module docstring)."""
        specs = symbol_specs(self._instruments, list(symbols))
        self._sink = sink
        self._decoder = TickDecoder(self._codec, specs, sink, self._emit, self.counters)
        session = client_session(self._session)  # refuses redirects (see rest.py)
        backoff = self.backoff
        try:
            while True:
                limited = False
                try:
                    await self._connect_once(session, list(specs))
                    reason = "closed by the venue"
                except ConnectionLimitError as exc:
                    reason, limited = str(exc), True
                except RETRYABLE as exc:
                    reason = f"{type(exc).__name__}: {exc}"
                if self._lasted >= HEALTHY_CONNECTION_S:
                    backoff.reset()
                delay = backoff.penalty() if limited else backoff.next()
                self.counters.reconnects += 1
                log.warning("market data: %s; reconnecting in %.2fs", reason, delay)
                await asyncio.sleep(delay)
        finally:
            await session.close()  # a session passed in lent only its connector

    async def _connect_once(self, session: aiohttp.ClientSession, symbols: list[str]) -> None:
        self._lasted = 0.0
        decoder = self._decoder
        assert decoder is not None
        headers = {"Content-Type": self._codec.content_type}
        async with session.ws_connect(
            self.url,
            heartbeat=self._heartbeat_s,
            headers=headers,
            decode_text=False,
            max_msg_size=MAX_FRAME,
        ) as ws:
            await self._handshake(ws, decoder, symbols)
            up = time.monotonic()
            self.counters.connects += 1
            self._emit(FeedState.CONNECTED)
            watchdog = asyncio.create_task(self._watchdog(decoder), name="alpaca-data-watchdog")
            try:
                await _pump(ws, decoder.on_frame)
            finally:
                watchdog.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watchdog
                self._lasted = time.monotonic() - up
                for spec in decoder.specs.values():
                    spec.stale = True  # DISCONNECTED means all stale; quotes make them FRESH
                self._emit(FeedState.DISCONNECTED)

    async def _handshake(self, ws: WebSocket, decoder: TickDecoder, symbols: list[str]) -> None:
        deadline = time.monotonic() + self._handshake_s
        await self._expect(ws, decoder, deadline, "connected")
        await send_action(ws, self._codec, auth_action(self._key, self._secret))
        await self._expect(ws, decoder, deadline, "authenticated")
        await send_action(ws, self._codec, subscribe_action(symbols))
        await self._expect(ws, decoder, deadline, None)
        absent = set(symbols) - set(decoder.subscribed[0])
        if absent:
            log.warning("market data: the venue did not subscribe quotes for %s", sorted(absent))

    async def _expect(
        self, ws: WebSocket, decoder: TickDecoder, deadline: float, success: str | None
    ) -> None:
        """Read until ``success`` (or the subscription reply when None); raise on error."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ReconnectError("handshake timed out")
            msg = await ws.receive(timeout=remaining)
            if msg.type is not _TEXT and msg.type is not _BINARY:
                raise ReconnectError(f"closed during handshake ({msg.type.name})")
            for m in decoder.decode(msg.data):
                if type(m) is DataError:
                    raise stream_error(m.code, m.msg)
                if success is None and type(m) is DataSubscription:
                    decoder.subscribed = (m.quotes, m.trades)
                    return
                if success is not None and type(m) is DataSuccess and m.msg == success:
                    return

    async def _watchdog(self, decoder: TickDecoder) -> None:
        """Emit STALE for a symbol without an accepted quote for ``stale_after_s``:
        quotes the sink refused (its sanity gate) do not count as signs of life."""
        specs = list(decoder.specs.values())
        now = self._clock()
        seen = [(spec.quotes, now, spec.dropped) for spec in specs]
        while True:
            await asyncio.sleep(self._stale_ns / 4e9)
            now = self._clock()
            for i, spec in enumerate(specs):
                count, since, dropped = seen[i]
                if spec.quotes != count:
                    seen[i] = (spec.quotes, now, spec.dropped)
                elif not spec.stale and now - since >= self._stale_ns:
                    spec.stale = True
                    self.counters.stale += 1
                    refused = spec.dropped - dropped
                    detail = f"every tick dropped ({refused})" if refused else "no quote"
                    self._emit(FeedState.STALE, spec.symbol, detail)

    def _emit(self, state: FeedState, symbol: str = "", detail: str = "") -> None:
        if self._sink is not None:
            self._sink.on_feed(FeedEvent(self._clock(), FEED, state, symbol, detail))


async def send_action(ws: WebSocket, codec: ActionCodec, action: dict[str, object]) -> None:
    """One client action: a binary frame in msgpack, a text frame in JSON (both streams)."""
    frame = codec.encode(action)
    if codec.encoding == "msgpack":
        await ws.send_bytes(frame)
    else:
        await ws.send_str(frame.decode())


async def _pump(ws: WebSocket, on_frame: Callable[[bytes], None]) -> None:
    """Hand every data frame to ``on_frame`` until the socket closes."""
    receive = ws.receive
    while True:
        msg = await receive()
        tp = msg.type
        if tp is _TEXT or tp is _BINARY:
            on_frame(msg.data)
        elif tp is aiohttp.WSMsgType.ERROR:
            raise ReconnectError(f"websocket error: {type(ws.exception()).__name__}")
        else:
            return  # CLOSE / CLOSING / CLOSED
