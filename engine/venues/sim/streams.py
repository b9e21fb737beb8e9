"""The market data stream v2 websocket (``/v2/{feed}``) of the simulated venue.

Handshake and errors follow protocols.md 1.2: ``connected`` on open, ``auth``
within ``auth_timeout`` (404 ``auth timeout`` and close otherwise), 402 ``auth
failed``, 403 ``already authenticated``, 401 ``not authenticated``, 400
``invalid syntax``, 405 ``symbol limit exceeded``, 406 ``connection limit
exceeded`` (then close), 407 ``slow client`` (then close). Subscribe and
unsubscribe are additive and answered with the full set. Data goes out as one
batched array per connection per market step: JSON text frames, or msgpack
binary frames when the client connected with ``Content-Type: application/msgpack``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from aiohttp import WSCloseCode
from aiohttp import WSMsgType
from aiohttp import web

from engine.model import Instrument
from engine.model import Quote
from engine.model import Trade
from engine.venues.sim.config import SimVenueConfig
from engine.venues.sim.connection import Connection
from engine.venues.sim.connection import Peer
from engine.venues.sim.connection import drop_all
from engine.venues.sim.faults import FaultCounters
from engine.venues.sim.market import TickEvent
from engine.venues.sim.protocol import MSGPACK_CONTENT_TYPE
from engine.venues.sim.protocol import DataCodec
from engine.venues.sim.protocol import MinuteBar
from engine.venues.sim.protocol import control
from engine.venues.sim.protocol import data_error
from engine.venues.sim.protocol import json_array
from engine.venues.sim.protocol import msgpack_array

CHANNELS = ("trades", "quotes", "bars", "updatedBars", "dailyBars", "statuses", "lulds")
"""Subscription lists the stream accepts (data is produced for trades, quotes and bars)."""

_MINUTE = 60_000_000_000


def _no_subscriptions() -> dict[str, set[str]]:
    return {c: set() for c in CHANNELS}


@dataclass(slots=True, eq=False)
class _Subscriber(Peer):
    """A data connection's state: authenticated or not, and its subscriptions."""

    subs: dict[str, set[str]] = field(default_factory=_no_subscriptions)

    def reply(self) -> dict[str, Any]:
        out: dict[str, Any] = {"T": "subscription"}
        for channel in CHANNELS:
            out[channel] = sorted(self.subs[channel])
        out["corrections"] = out["trades"]
        out["cancelErrors"] = out["trades"]
        return out

    def symbol_count(self) -> int:
        return len({s for c in ("trades", "quotes", "bars") for s in self.subs[c] if s != "*"})


class DataHub:
    """All market-data connections; :meth:`broadcast` sends one market step to each."""

    def __init__(
        self, config: SimVenueConfig, instruments: list[Instrument], counters: FaultCounters
    ) -> None:
        self.config = config
        self.codec = DataCodec(instruments)
        self.counters = counters
        self.subscribers: set[_Subscriber] = set()
        self.stalled_until = 0  # monotonic ns
        self._bars: dict[str, MinuteBar] = {}
        self._trade_seq = 0
        self.events_in = 0
        self.messages_out = 0

    # -- connections -----------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """The websocket handler for ``/v2/{feed}`` (any feed name)."""
        cfg = self.config
        ws = web.WebSocketResponse(compress=cfg.ws_compress, timeout=2.0, max_msg_size=1 << 20)
        await ws.prepare(request)
        msgpack = request.headers.get("Content-Type", "").startswith(MSGPACK_CONTENT_TYPE)
        conn = Connection(
            ws, msgpack=msgpack, text=not msgpack, frame_of=msgpack_array if msgpack else json_array
        )
        sub = _Subscriber(conn)
        self.subscribers.add(sub)
        try:
            conn.control(control({"T": "success", "msg": "connected"}, msgpack))
            key = request.headers.get("APCA-API-KEY-ID")
            if key is not None:
                self._auth(sub, key, request.headers.get("APCA-API-SECRET-KEY", ""))
            await self._receive(sub)
        finally:
            self.subscribers.discard(sub)
            await conn.finish()
        return ws

    async def _receive(self, sub: _Subscriber) -> None:
        conn = sub.conn
        ws = conn.ws
        deadline: float | None = time.monotonic() + self.config.auth_timeout
        while not ws.closed:
            timeout = None
            if deadline is not None and not sub.authed:
                timeout = max(deadline - time.monotonic(), 0.0)
            try:
                msg = await ws.receive(timeout=timeout)
            except TimeoutError:
                deadline = None
                conn.control(data_error(404, "auth timeout", conn.msgpack))
                conn.close_after_flush(WSCloseCode.POLICY_VIOLATION, b"auth timeout")
                continue
            if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                return
            if not conn.closing:
                self._on_message(sub, msg.type, msg.data)

    def _on_message(self, sub: _Subscriber, kind: WSMsgType, raw: Any) -> None:
        conn = sub.conn
        message = conn.decode(kind, raw)
        action = message.get("action") if isinstance(message, dict) else None
        if action == "auth":
            assert isinstance(message, dict)
            self._auth(sub, message.get("key"), message.get("secret"))
        elif action in ("subscribe", "unsubscribe"):
            assert isinstance(message, dict)
            self._subscribe(sub, message, add=action == "subscribe")
        else:
            conn.control(data_error(400, "invalid syntax", conn.msgpack))

    def _auth(self, sub: _Subscriber, key: object, secret: object) -> None:
        conn = sub.conn
        if sub.authed:
            conn.control(data_error(403, "already authenticated", conn.msgpack))
            return
        if key != self.config.key or secret != self.config.secret:
            conn.control(data_error(402, "auth failed", conn.msgpack))
            return
        authed = sum(1 for s in self.subscribers if s.authed and not s.conn.closing)
        if authed >= self.config.max_data_connections:
            conn.control(data_error(406, "connection limit exceeded", conn.msgpack))
            conn.close_after_flush(WSCloseCode.POLICY_VIOLATION, b"connection limit exceeded")
            return
        sub.authed = True
        conn.control(control({"T": "success", "msg": "authenticated"}, conn.msgpack))

    def _subscribe(self, sub: _Subscriber, message: dict[str, Any], *, add: bool) -> None:
        conn = sub.conn
        if not sub.authed:
            conn.control(data_error(401, "not authenticated", conn.msgpack))
            return
        changes: dict[str, list[str]] = {}
        for channel in CHANNELS:
            symbols = message.get(channel)
            if symbols is None:
                continue
            if not isinstance(symbols, list) or not all(isinstance(s, str) for s in symbols):
                conn.control(data_error(400, "invalid syntax", conn.msgpack))
                return
            changes[channel] = symbols
        before = {c: set(s) for c, s in sub.subs.items()}
        for channel, symbols in changes.items():
            if add:
                sub.subs[channel].update(symbols)
            else:
                sub.subs[channel].difference_update(symbols)
        limit = self.config.max_symbols
        if limit and sub.symbol_count() > limit:
            sub.subs = before
            conn.control(data_error(405, "symbol limit exceeded", conn.msgpack))
            return
        conn.control(control(sub.reply(), conn.msgpack))

    # -- data --------------------------------------------------------------------

    def stall(self, seconds: float) -> None:
        """Send no market data for ``seconds`` (connections stay up)."""
        self.stalled_until = max(self.stalled_until, time.monotonic_ns() + int(seconds * 1e9))
        self.counters.stalls += 1

    @property
    def stalled(self) -> bool:
        return time.monotonic_ns() < self.stalled_until

    async def drop_all(self) -> None:
        """Close every data connection now (clients must reconnect)."""
        await drop_all([s.conn for s in self.subscribers])

    def kick_slow(self) -> int:
        """Send 407 ``slow client`` to every connection and close them (a test hook)."""
        subs = [s for s in self.subscribers if not s.conn.closing]
        for sub in subs:
            self._slow(sub)
        return len(subs)

    def _slow(self, sub: _Subscriber) -> None:
        conn = sub.conn
        conn.discard_data()
        conn.control(data_error(407, "slow client", conn.msgpack))
        conn.close_after_flush(WSCloseCode.POLICY_VIOLATION, b"slow client")

    def broadcast(self, events: list[TickEvent]) -> None:
        """One market step to every subscriber, one batched array each."""
        self.events_in += len(events)
        bars = self._roll_bars(events)
        if self.stalled:
            self.counters.stalled_messages += len(events)
            return
        active = [s for s in self.subscribers if s.authed and not s.conn.closing]
        if not active:
            return
        base = self._trade_seq
        self._trade_seq += sum(1 for e in events if type(e) is Trade)
        encoded: dict[bool, list[bytes | None]] = {}
        for sub in active:
            parts = self._parts(sub, events, base, encoded)
            if bars:
                parts.extend(self._bar_parts(sub, bars))
            if parts:
                if sub.conn.pending + len(parts) > self.config.slow_client_messages:
                    self._slow(sub)
                    continue
                sub.conn.data(parts)
                self.messages_out += len(parts)

    def _parts(
        self,
        sub: _Subscriber,
        events: list[TickEvent],
        trade_base: int,
        encoded: dict[bool, list[bytes | None]],
    ) -> list[bytes]:
        msgpack = sub.conn.msgpack
        cache = encoded.get(msgpack)
        if cache is None:
            cache = encoded[msgpack] = [None] * len(events)
        quotes = sub.subs["quotes"]
        trades = sub.subs["trades"]
        all_quotes = "*" in quotes
        all_trades = "*" in trades
        codec = self.codec
        parts: list[bytes] = []
        seq = trade_base
        for i, ev in enumerate(events):
            if type(ev) is Quote:
                if not (all_quotes or ev.symbol in quotes):
                    continue
                part = cache[i]
                if part is None:
                    part = cache[i] = codec.quote(ev, msgpack)
            else:
                assert isinstance(ev, Trade)
                seq += 1
                if not (all_trades or ev.symbol in trades):
                    continue
                part = cache[i]
                if part is None:
                    part = cache[i] = codec.trade(ev, seq, msgpack)
            parts.append(part)
        return parts

    def _roll_bars(self, events: list[TickEvent]) -> list[MinuteBar]:
        """Add trades to minute bars; return the bars a new minute completed."""
        done: list[MinuteBar] = []
        bars = self._bars
        for ev in events:
            if type(ev) is not Trade:
                continue
            minute = ev.ts - ev.ts % _MINUTE
            bar = bars.get(ev.symbol)
            if bar is None or bar.start != minute:
                if bar is not None:
                    done.append(bar)
                bar = bars[ev.symbol] = MinuteBar(ev.symbol, minute, ev.price)
            bar.add(ev.price, ev.size)
        return done

    def _bar_parts(self, sub: _Subscriber, bars: list[MinuteBar]) -> list[bytes]:
        wanted = sub.subs["bars"]
        every = "*" in wanted
        return [
            self.codec.bar(bar, sub.conn.msgpack) for bar in bars if every or bar.symbol in wanted
        ]

    def stats(self) -> dict[str, Any]:
        return {
            "connections": len(self.subscribers),
            "authenticated": sum(1 for s in self.subscribers if s.authed),
            "events_in": self.events_in,
            "messages_out": self.messages_out,
            "stalled": self.stalled,
        }
