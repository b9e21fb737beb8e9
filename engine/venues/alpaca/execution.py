"""Alpaca trading REST v2 and trade_updates: the :class:`Execution` port.

The order path: ``begin_submit`` writes POST /v2/orders on a kept-alive
connection of its own (:mod:`engine.venues.http1`, opened by ``warm`` and kept
open) before it returns, so the hot path never waits for a task to be
scheduled to send an order; every other call goes through aiohttp.

Submit is never retried. Its outcomes:

- 2xx -> ACCEPTED with the venue's order id and status;
- 429 -> REJECTED ``rate_limited`` (nothing was placed);
- a redirect (301, 302, 303, 307, 308) -> AMBIGUOUS ``redirect_refused_http_NNN``,
  never followed (the request carries the keys; see :mod:`.rest`). Not a rejection:
  a redirect does not show that nothing was placed (303 See Other is the answer
  after a POST was processed, and a proxy may pass the order on, then redirect).
  The look-up by client order id refuses redirects too, so on a URL that redirects
  everything the order stays in doubt. The first redirect is logged once as an
  error (each submit is also logged as ambiguous);
- any other 4xx (403 buying power, 422 bad parameters, ...) -> REJECTED with
  Alpaca's message;
- 5xx, a timeout, a dropped connection, or a 2xx we cannot read -> AMBIGUOUS:
  the runtime resolves it with :meth:`AlpacaExecution.query_order`;
- nothing sent, REJECTED: no instrument for the symbol, or a post-only order
  (Alpaca has none).

Rate limits (429 policy). A 429 (or ``X-Ratelimit-Remaining: 0``) starts a
back-off taken from ``Retry-After`` or ``X-Ratelimit-Reset`` (3 s when neither
is given, at most 60 s). During it, ``submit`` fails fast with REJECTED
``rate_limited`` without sending: a scalping entry seconds late is a different
trade, and the risk gate denies rather than queues. Everything else (queries,
cancels, cancel-all, close-all) waits the back-off out, then sends.

Queries, listings, cancels and cancel-all retry a few times on 5xx, 429,
timeouts and connection errors, then raise :class:`AlpacaUnavailableError`
(``cancel`` returns False instead: the runtime then asks the venue what became
of the order). Close-all is sent once.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar
from urllib.parse import quote

import aiohttp
import msgspec

from engine.model import ClientOrderId
from engine.model import Instrument
from engine.model import Order
from engine.model import Symbol
from engine.model import VenueOrderId
from engine.venues.alpaca.config import VENUE_IDS_KEPT
from engine.venues.alpaca.config import ExecutionConfig
from engine.venues.alpaca.config import auth_headers
from engine.venues.alpaca.errors import AlpacaHttpError
from engine.venues.alpaca.errors import AlpacaUnavailableError
from engine.venues.alpaca.mapping import Mapper
from engine.venues.alpaca.mapping import WireError
from engine.venues.alpaca.mapping import account
from engine.venues.alpaca.mapping import dec
from engine.venues.alpaca.mapping import order_body
from engine.venues.alpaca.protocol import AccountWire
from engine.venues.alpaca.protocol import AssetWire
from engine.venues.alpaca.protocol import ErrorBody
from engine.venues.alpaca.protocol import MultiStatus
from engine.venues.alpaca.protocol import OrderWire
from engine.venues.alpaca.protocol import PositionWire
from engine.venues.alpaca.protocol import format_ts
from engine.venues.alpaca.rest import REDIRECTS
from engine.venues.alpaca.rest import Response
from engine.venues.alpaca.rest import Rest
from engine.venues.alpaca.updates import FeedHandler
from engine.venues.alpaca.updates import RecoveryHandler
from engine.venues.alpaca.updates import ReportHandler
from engine.venues.alpaca.updates import TradeUpdates
from engine.venues.base import CloseResult
from engine.venues.base import SubmitOutcome
from engine.venues.base import SubmitResult
from engine.venues.base import VenueAccount
from engine.venues.base import VenueError
from engine.venues.base import VenueOrder
from engine.venues.base import VenuePosition
from engine.venues.http1 import Http1Pool
from engine.venues.http1 import HttpResponse
from engine.venues.http1 import request_head

log = logging.getLogger("scalpbot.venues.alpaca.execution")

PAGE = 500
MAX_PAGES = 20
_ORDER = msgspec.json.Decoder(OrderWire)
_ORDERS = msgspec.json.Decoder(list[OrderWire])
_POSITIONS = msgspec.json.Decoder(list[PositionWire])
_ACCOUNT = msgspec.json.Decoder(AccountWire)
_ASSET = msgspec.json.Decoder(AssetWire)
_ASSETS = msgspec.json.Decoder(list[AssetWire])
_MULTI = msgspec.json.Decoder(list[MultiStatus])
_ERROR = msgspec.json.Decoder(ErrorBody)
_BODY = msgspec.json.Encoder()
T = TypeVar("T")


class RecentIds(OrderedDict[ClientOrderId, VenueOrderId]):
    """Venue order ids by client order id, the newest ``limit`` only: a cache (an order
    the trade_updates stream saw end is dropped at once; one it reported ending before
    its submit's answer came would otherwise stay for good). ``cancel`` asks the venue
    for an id it does not find here."""

    def __init__(self, limit: float = VENUE_IDS_KEPT) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key: ClientOrderId, value: VenueOrderId) -> None:
        super().__setitem__(key, value)
        if len(self) > self.limit:
            self.popitem(last=False)


@dataclass(slots=True, eq=False)
class ExecCounters:
    submits: int = 0
    accepted: int = 0
    rejected: int = 0
    ambiguous: int = 0
    rate_limited: int = 0


class AlpacaExecution:
    """Orders, positions and the account at Alpaca (or the simulated venue)."""

    def __init__(
        self,
        config: ExecutionConfig,
        instruments: dict[Symbol, Instrument] | None = None,
        *,
        session: aiohttp.ClientSession | None = None,
        rng: random.Random | None = None,
        clock: Callable[[], int] = time.time_ns,
    ) -> None:
        """``session`` (else one of its own), ``rng`` (reconnect jitter) and ``clock``
        are lent by the caller; everything else is in ``config``."""
        c = self.config = config
        self._instruments: dict[Symbol, Instrument] = dict(instruments or {})
        self.mapper = Mapper(self._instruments)
        self.rest = Rest(c, session=session)
        self.order_pool = Http1Pool(
            c.base_url, size=c.order_connections, connect_timeout_s=c.timeout_s
        )
        origin = self.order_pool.origin
        self._submit_head = request_head(
            "POST",
            origin.path + "/v2/orders",
            origin.host_header,
            {
                **auth_headers(c.key, c.secret),
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": "scalpbot",
            },
        )
        self._timeout_s = c.timeout_s
        self._redirect_logged = False  # a redirected submit is logged as an error once
        self.venue_ids: dict[ClientOrderId, VenueOrderId] = RecentIds(c.venue_ids_kept)
        self.counters = ExecCounters()
        self._clock = clock
        self.updates = TradeUpdates(
            c,
            lambda: self.rest.session,
            self.mapper,
            self._list_since,
            self.venue_ids,
            rng=rng or random.Random(),
            clock=clock,
        )

    def __repr__(self) -> str:
        return f"AlpacaExecution(base={self.rest.base!r}, symbols={sorted(self._instruments)})"

    # -- instruments ---------------------------------------------------------------------

    async def instruments(self, symbols: Iterable[Symbol]) -> list[Instrument]:
        """Each symbol's asset: tick ``price_increment`` (0.01 when absent, as for
        US equities), lot ``min_trade_increment`` (1 when absent). Raises VenueError
        for an unknown or untradable symbol (fail closed). No symbols = every active,
        tradable asset the venue lists (``GET /v2/assets?status=active``)."""
        wanted = list(symbols)
        if not wanted:
            resp = await self.rest.call("GET", "/v2/assets", params={"status": "active"})
            listed = self._decode(resp, _ASSETS, "GET", "/v2/assets")
            out = [self._instrument(Symbol(a.symbol), a) for a in listed if _tradable(a)]
            if not out:
                raise VenueError("the venue lists no tradable asset")
            return out
        out = []
        for sym in wanted:
            resp = await self.rest.call("GET", f"/v2/assets/{quote(sym, safe='')}")
            if resp.status == 404:
                raise VenueError(f"{sym}: Alpaca knows no such asset")
            asset = self._decode(resp, _ASSET, "GET", "/v2/assets")
            if not _tradable(asset):
                raise VenueError(f"{sym}: asset is not tradable ({asset.status})")
            out.append(self._instrument(sym, asset))
        return out

    def _instrument(self, sym: Symbol, asset: AssetWire) -> Instrument:
        tick = Decimal("0.01")
        if asset.price_increment is not None:
            tick = dec(asset.price_increment, "price_increment")
        lot = Decimal(1)
        if asset.min_trade_increment is not None:
            lot = dec(asset.min_trade_increment, "min_trade_increment")
        min_lots = 1
        if asset.min_order_size is not None:
            min_lots = max(1, math.ceil(dec(asset.min_order_size) / lot))
        ins = Instrument(
            symbol=sym,
            price_increment=tick,
            size_increment=lot,
            venue="ALPACA",
            min_lots=min_lots,
        )
        self._instruments[sym] = ins
        return ins

    # -- orders ------------------------------------------------------------------------

    def begin_submit(self, order: Order) -> Awaitable[SubmitResult]:
        """Write POST /v2/orders, once, with the order's client order id, before
        returning (on a warm connection; see :mod:`engine.venues.http1`); await the
        result for the outcome (see the module doc)."""
        self.counters.submits += 1
        ins = self._instruments.get(order.symbol)
        if ins is None:
            return _now(self._rejected(f"no instrument for {order.symbol}"))
        try:
            body = _BODY.encode(order_body(order, ins))
        except WireError as exc:
            return _now(self._rejected(str(exc)))
        if self.rest.blocked_for() > 0:
            self.counters.rate_limited += 1
            return _now(self._rejected("rate_limited"))
        self.rest.requests += 1
        data = b"%b%d\r\n\r\n%b" % (self._submit_head, len(body), body)
        try:
            pending = self.order_pool.request(data, self._timeout_s)
        except ConnectionError:
            return _now(self._rejected("venue_connection_closed"))  # nothing was sent
        return self._settle(order, pending)

    async def submit(self, order: Order) -> SubmitResult:
        """:meth:`begin_submit` and its result."""
        return await self.begin_submit(order)

    async def _settle(self, order: Order, pending: Awaitable[HttpResponse]) -> SubmitResult:
        try:
            resp = await pending
        except OSError as exc:  # timeout, reset before the answer, unreadable answer
            return self._ambiguous(order, type(exc).__name__ or "transport_error")
        self.rest.note_limits(resp.status, resp.headers)
        if 200 <= resp.status < 300:
            try:
                vo = self.mapper.order(_ORDER.decode(resp.body))
            except (msgspec.DecodeError, WireError):
                return self._ambiguous(order, "unreadable_response")
            self.counters.accepted += 1
            self.venue_ids[order.client_order_id] = vo.venue_order_id
            return SubmitResult(SubmitOutcome.ACCEPTED, vo.venue_order_id, status=vo.status)
        if resp.status == 429:
            self.counters.rate_limited += 1
            return self._rejected("rate_limited")
        if resp.status >= 500:
            return self._ambiguous(order, f"http_{resp.status}")
        if resp.status in REDIRECTS:  # never followed: the request carries the keys
            if not self._redirect_logged:
                self._redirect_logged = True
                log.error(
                    "the venue URL redirects order submissions (HTTP %d for %s): not followed, "
                    "the keys go nowhere else; the order may have been placed, so it is in "
                    "doubt and resolved by look-up; check the venue URL",
                    resp.status,
                    order.client_order_id,
                )
            return self._ambiguous(order, f"redirect_refused_http_{resp.status}")
        err = Response(resp.status, resp.body).error()
        return self._rejected(err.message or f"http_{resp.status}")

    async def warm(self) -> None:
        """Open the order connections now, and keep them open (best effort: a submit
        without a warm connection opens one first)."""
        try:
            await self.order_pool.warm()
        except ConnectionError as exc:
            log.warning("order connections not warmed: %s", exc)

    def _rejected(self, reason: str) -> SubmitResult:
        self.counters.rejected += 1
        return SubmitResult(SubmitOutcome.REJECTED, reason=reason)

    def _ambiguous(self, order: Order, reason: str) -> SubmitResult:
        self.counters.ambiguous += 1
        log.warning("submit %s ambiguous (%s): resolve by query", order.client_order_id, reason)
        return SubmitResult(SubmitOutcome.AMBIGUOUS, reason=reason)

    async def cancel(self, client_order_id: ClientOrderId) -> bool:
        """DELETE /v2/orders/{id}; True if Alpaca took the request (204/200)."""
        try:
            vid = self.venue_ids.get(client_order_id)
            if vid is None:
                found = await self.query_order(client_order_id)
                if found is None or found.status.is_terminal:
                    return False
                vid = found.venue_order_id
            resp = await self.rest.call("DELETE", f"/v2/orders/{quote(vid, safe='')}")
        except VenueError as exc:
            log.warning("cancel %s: %s", client_order_id, exc)
            return False
        return resp.ok

    async def cancel_all(self) -> int:
        """DELETE /v2/orders (207): how many cancels Alpaca accepted."""
        resp = await self.rest.call("DELETE", "/v2/orders")
        entries = self._decode(resp, _MULTI, "DELETE", "/v2/orders")
        return sum(1 for e in entries if 200 <= e.status < 300)

    async def query_order(self, client_order_id: ClientOrderId) -> VenueOrder | None:
        """The venue's view of one order by client order id; None if it never heard of it."""
        path = "/v2/orders:by_client_order_id"
        resp = await self.rest.call("GET", path, params={"client_order_id": client_order_id})
        if resp.status == 404:
            return None
        vo = self.mapper.order(self._decode(resp, _ORDER, "GET", path))
        if vo.status.is_working:
            self.venue_ids[client_order_id] = vo.venue_order_id
        return vo

    async def list_orders(self, status: str = "open", after_ts: int = 0) -> list[VenueOrder]:
        """GET /v2/orders (``status`` open|closed|all), oldest first, submitted after
        ``after_ts`` (ns) when given; pages of 500."""
        out: list[VenueOrder] = []
        after = after_ts
        for _ in range(MAX_PAGES):
            params = {"status": status, "limit": str(PAGE), "direction": "asc", "nested": "false"}
            if after:
                params["after"] = format_ts(after)
            resp = await self.rest.call("GET", "/v2/orders", params=params)
            page = self._decode(resp, _ORDERS, "GET", "/v2/orders")
            out.extend(self.mapper.order(w) for w in page)
            if len(page) < PAGE or out[-1].created_ts <= after:
                break
            after = out[-1].created_ts
        return out

    async def _list_since(self, after_ts: int) -> list[VenueOrder]:
        return await self.list_orders("all", after_ts)

    # -- positions and account ------------------------------------------------------------

    async def positions(self) -> list[VenuePosition]:
        resp = await self.rest.call("GET", "/v2/positions")
        return [
            self.mapper.position(w) for w in self._decode(resp, _POSITIONS, "GET", "/v2/positions")
        ]

    async def account(self) -> VenueAccount:
        resp = await self.rest.call("GET", "/v2/account")
        return account(self._decode(resp, _ACCOUNT, "GET", "/v2/account"))

    async def close_all_positions(self) -> list[CloseResult]:
        """DELETE /v2/positions?cancel_orders=true (207), sent once: one result per
        position, with the closing order's client id or Alpaca's reason."""
        path = "/v2/positions"
        resp = await self.rest.call("DELETE", path, params={"cancel_orders": "true"}, retries=0)
        out = []
        for e in self._decode(resp, _MULTI, "DELETE", path):
            symbol = Symbol(e.symbol or "")
            body = e.body
            try:
                if 200 <= e.status < 300:
                    cid = _ORDER.decode(body).client_order_id
                    out.append(CloseResult(symbol, True, ClientOrderId(cid)))
                else:
                    err = _ERROR.decode(body)
                    out.append(CloseResult(symbol, False, reason=err.message or f"http_{e.status}"))
            except msgspec.DecodeError:
                out.append(CloseResult(symbol, 200 <= e.status < 300, reason="unreadable body"))
        return out

    # -- streams and lifecycle ------------------------------------------------------------

    async def run_updates(
        self,
        on_report: ReportHandler,
        on_feed: FeedHandler,
        on_recovered: RecoveryHandler | None = None,
    ) -> None:
        """Stream trade_updates until cancelled (see :mod:`engine.venues.alpaca.updates`):
        reports to ``on_report``; after each reconnect, the snapshots of orders changed
        meanwhile to ``on_recovered``."""
        await self.updates.run(on_report, on_feed, on_recovered)

    async def close(self) -> None:
        """Close the order connections and the HTTP session (if it is ours). Cancel
        ``run_updates`` first."""
        await self.order_pool.close()
        await self.rest.close()

    @staticmethod
    def _decode(resp: Response, decoder: msgspec.json.Decoder[T], method: str, path: str) -> T:
        if not resp.ok:
            err = resp.error()
            raise AlpacaHttpError(method, path, resp.status, err.code, err.message)
        try:
            return decoder.decode(resp.body)
        except msgspec.DecodeError as exc:
            raise AlpacaHttpError(method, path, resp.status, 0, f"unreadable: {exc}") from None


def _tradable(asset: AssetWire) -> bool:
    return asset.tradable and asset.status == "active"


async def _now(result: SubmitResult) -> SubmitResult:
    return result


__all__ = [
    "VENUE_IDS_KEPT",
    "AlpacaExecution",
    "AlpacaHttpError",
    "AlpacaUnavailableError",
    "ExecCounters",
    "ExecutionConfig",
    "RecentIds",
]
