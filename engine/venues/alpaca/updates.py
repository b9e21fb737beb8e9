"""The trade_updates websocket: order events in, execution reports out.

One connection: authenticate -> listen ``trade_updates`` -> events, each mapped
to an :class:`ExecutionReport` (see :mod:`engine.venues.alpaca.mapping`) and
handed to ``on_report``. Frames are JSON (Alpaca sends them as binary frames)
or msgpack.

Recovery. After a reconnect, before reading any new event, the stream lists
the orders changed while it was away (``GET /v2/orders?status=all&after=...
&direction=asc``) and hands their snapshots to ``on_recovered(list[VenueOrder])``
(the runtime reconciles them; the stream itself synthesises nothing). "Away"
starts at the last event's timestamp (or the first connection) minus a margin
for clock skew; ``after`` filters on submission time, so it also reaches back to
the oldest order seen working, and the answer is filtered to orders updated
since. A failed listing drops the connection and is tried again after backoff.
CONNECTED is emitted once listening (and recovery) succeeded, DISCONNECTED
when such a connection drops.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from collections.abc import Awaitable
from collections.abc import Callable

import aiohttp
import msgspec

from engine.model import ClientOrderId
from engine.model import ExecutionReport
from engine.model import VenueOrderId
from engine.model.events import FeedEvent
from engine.model.events import FeedState
from engine.venues.alpaca.config import HEALTHY_CONNECTION_S
from engine.venues.alpaca.config import Backoff
from engine.venues.alpaca.config import ExecutionConfig
from engine.venues.alpaca.config import updates_url
from engine.venues.alpaca.data import WebSocket
from engine.venues.alpaca.data import send_action
from engine.venues.alpaca.errors import AlpacaAuthError
from engine.venues.alpaca.errors import AlpacaRedirectError
from engine.venues.alpaca.errors import ReconnectError
from engine.venues.alpaca.mapping import ORDER_STATUS
from engine.venues.alpaca.mapping import Mapper
from engine.venues.alpaca.mapping import WireError
from engine.venues.alpaca.mapping import event_ts
from engine.venues.alpaca.protocol import LISTEN_ACTION
from engine.venues.alpaca.protocol import StreamCodec
from engine.venues.alpaca.protocol import StreamEnvelope
from engine.venues.alpaca.protocol import TradeUpdate
from engine.venues.alpaca.protocol import authenticate_action
from engine.venues.alpaca.protocol import parse_ts
from engine.venues.base import VenueError
from engine.venues.base import VenueOrder

log = logging.getLogger("scalpbot.venues.alpaca.updates")

FEED = "trade_updates"
ReportHandler = Callable[[ExecutionReport], None]
FeedHandler = Callable[[FeedEvent], None]
RecoveryHandler = Callable[[list[VenueOrder]], None]
Lister = Callable[[int], Awaitable[list[VenueOrder]]]
_FRAMES = (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY)


class UpdatesCounters:
    __slots__ = ("connects", "events", "ignored", "malformed", "reconnects", "recovered")

    def __init__(self) -> None:
        self.connects = 0
        self.reconnects = 0
        self.events: Counter[str] = Counter()  # by Alpaca event name
        self.ignored = 0
        self.malformed = 0
        self.recovered = 0


class TradeUpdates:
    """Runs the trade_updates stream for :class:`AlpacaExecution`."""

    def __init__(
        self,
        config: ExecutionConfig,
        session: Callable[[], aiohttp.ClientSession],
        mapper: Mapper,
        list_since: Lister,
        venue_ids: dict[ClientOrderId, VenueOrderId],
        *,
        rng: random.Random,
        clock: Callable[[], int],
    ) -> None:
        """The stream at ``config.stream_url`` (else ``/stream`` under ``config.base_url``);
        the rest are the execution's own parts it shares."""
        self.url = config.stream_url or updates_url(config.base_url)
        self._key = config.key
        self._secret = config.secret
        self._session = session
        self._mapper = mapper
        self._list_since = list_since
        self._venue_ids = venue_ids
        self._backoff = Backoff(config.backoff_initial_s, config.backoff_max_s, rng)
        self._heartbeat_s = config.heartbeat_s
        self._clock = clock
        self._codec = StreamCodec(config.encoding)
        self._handshake_s = config.handshake_timeout_s
        self._margin_ns = int(config.recovery_margin_s * 1e9)
        self._since: int | None = None  # venue time of the last event seen
        self._working: dict[ClientOrderId, int] = {}  # client id -> created ns
        self._lasted = 0.0  # seconds the last connection was up
        self.counters = UpdatesCounters()

    def __repr__(self) -> str:
        return f"TradeUpdates(url={self.url!r})"

    async def run(
        self,
        on_report: ReportHandler,
        on_feed: FeedHandler,
        on_recovered: RecoveryHandler | None = None,
    ) -> None:
        """Stream until cancelled; raises AlpacaAuthError if the keys are refused and
        AlpacaRedirectError if the upgrade is redirected (never followed)."""
        backoff = self._backoff
        while True:
            self._lasted = 0.0
            try:
                await self._connect_once(on_report, on_feed, on_recovered)
                reason = "closed by the venue"
            except (ReconnectError, VenueError, aiohttp.ClientError, TimeoutError, OSError) as exc:
                if isinstance(exc, (AlpacaAuthError, AlpacaRedirectError)):
                    raise
                reason = f"{type(exc).__name__}: {exc}"
            if self._lasted >= HEALTHY_CONNECTION_S:
                backoff.reset()
            delay = backoff.next()
            self.counters.reconnects += 1
            log.warning("trade_updates: %s; reconnecting in %.2fs", reason, delay)
            await asyncio.sleep(delay)

    async def _connect_once(
        self, on_report: ReportHandler, on_feed: FeedHandler, on_recovered: RecoveryHandler | None
    ) -> None:
        headers = {"Content-Type": f"application/{self._codec.encoding}"}
        async with self._session().ws_connect(
            self.url,
            heartbeat=self._heartbeat_s,
            headers=headers,
            max_msg_size=16 * 2**20,
            decode_text=False,
        ) as ws:
            await self._handshake(ws)
            if self._since is None:
                self._since = self._clock()
            else:
                await self._recover(on_recovered)
            up = time.monotonic()
            self.counters.connects += 1
            on_feed(FeedEvent(self._clock(), FEED, FeedState.CONNECTED))
            try:
                await self._pump(ws, on_report)
            finally:
                self._lasted = time.monotonic() - up
                on_feed(FeedEvent(self._clock(), FEED, FeedState.DISCONNECTED))

    async def _handshake(self, ws: WebSocket) -> None:
        deadline = time.monotonic() + self._handshake_s
        await send_action(ws, self._codec, authenticate_action(self._key, self._secret))
        env = await self._expect(ws, "authorization", deadline)
        try:
            auth = self._codec.auth(env.data)
        except msgspec.DecodeError as exc:
            raise ReconnectError(f"unreadable authorization reply: {exc}") from None
        if auth.status != "authorized":
            raise AlpacaAuthError(401, f"trade_updates authentication {auth.status or 'failed'}")
        await send_action(ws, self._codec, LISTEN_ACTION)
        env = await self._expect(ws, "listening", deadline)
        try:
            listening = self._codec.listening(env.data)
        except msgspec.DecodeError as exc:
            raise ReconnectError(f"unreadable listening reply: {exc}") from None
        if "trade_updates" not in listening.streams:
            raise ReconnectError(f"listening to {listening.streams}, not trade_updates")

    async def _expect(self, ws: WebSocket, stream: str, deadline: float) -> StreamEnvelope:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ReconnectError("handshake timed out")
            msg = await ws.receive(timeout=remaining)
            if msg.type not in _FRAMES:
                raise ReconnectError(f"closed during handshake ({msg.type.name})")
            try:
                env = self._codec.envelope(msg.data)
            except msgspec.DecodeError as exc:
                raise ReconnectError(f"unreadable handshake frame: {exc}") from None
            if env.stream == stream:
                return env

    async def _pump(self, ws: WebSocket, on_report: ReportHandler) -> None:
        while True:
            msg = await ws.receive()
            if msg.type in _FRAMES:
                self._on_frame(msg.data, on_report)
            elif msg.type is aiohttp.WSMsgType.ERROR:
                raise ReconnectError(f"websocket error: {type(ws.exception()).__name__}")
            else:
                return

    def _on_frame(self, data: bytes, on_report: ReportHandler) -> None:
        codec = self._codec
        try:
            env = codec.envelope(data)
            if env.stream != FEED:
                return
            update = codec.update(env.data)
            self.counters.events[update.event] += 1
            self._track(update)
            report = self._mapper.report(update, self._clock())
        except (msgspec.DecodeError, WireError) as exc:
            self.counters.malformed += 1
            log.warning("trade_updates: unreadable event (%s)", exc)
            return
        if report is None:
            self.counters.ignored += 1
            return
        on_report(report)

    def _track(self, u: TradeUpdate) -> None:
        """Remember what recovery needs: the last event time, venue ids, working orders."""
        ts = event_ts(u, 0)
        if ts and (self._since is None or ts > self._since):
            self._since = ts
        w = u.order
        cid = ClientOrderId(w.client_order_id)
        status = ORDER_STATUS.get(w.status)
        if status is not None and status.is_terminal:
            self._venue_ids.pop(cid, None)
            self._working.pop(cid, None)
        else:
            self._venue_ids[cid] = VenueOrderId(w.id)
            if cid not in self._working:
                try:
                    self._working[cid] = parse_ts(w.created_at or w.submitted_at or "")
                except ValueError:
                    self._working[cid] = ts

    async def _recover(self, on_recovered: RecoveryHandler | None) -> None:
        assert self._since is not None
        since = self._since - self._margin_ns
        # ``after`` is exclusive and on submission time: reach 1 ms before the oldest
        # order seen working, so an order placed before the gap and filled in it is listed
        after = min([since, *self._working.values()]) - 1_000_000
        orders = await self._list_since(after)
        changed = [o for o in orders if o.updated_ts >= since]
        for o in changed:
            if o.status.is_terminal:
                self._working.pop(o.client_order_id, None)
                self._venue_ids.pop(o.client_order_id, None)
            else:
                self._venue_ids[o.client_order_id] = o.venue_order_id
            self._since = max(self._since, o.updated_ts)
        self.counters.recovered += len(changed)
        log.info("trade_updates: recovered %d order(s) changed while disconnected", len(changed))
        if on_recovered is not None:
            on_recovered(changed)
        elif changed:
            log.warning("trade_updates: no recovery handler; %d snapshot(s) dropped", len(changed))
