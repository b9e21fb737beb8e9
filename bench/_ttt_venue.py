"""The venue side of ``bench/tick_to_trade.py``: a minimal Alpaca on loopback.

One aiohttp server speaks just enough Alpaca for ``engine.runtime.app.Runtime``
(assets, account, positions, orders, the market data stream v2 and the
trade_updates stream), plus two routes for the bare floor client
(``/bare/ws``, ``POST /bare/order``). Every send and every arrival is stamped
with ``time.perf_counter_ns()`` (CLOCK_MONOTONIC, comparable across processes
on Linux) so the bench can take differences against stamps taken in the bot.

Orders are accepted at once (``status: accepted``) and then filled on the
trade_updates stream, so the bot's trader is flat or in position again before
the next trigger quote of the same symbol.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Coroutine
from decimal import Decimal
from typing import Any

import msgspec
from aiohttp import WSMsgType
from aiohttp import web

from engine.venues.sim import SymbolSpec

MARKER_LOTS = 4242  # a trigger quote's bid size, in lots (normal quotes show 1..99)
_TEXT = WSMsgType.TEXT
clock = time.perf_counter_ns


class OrderIn(msgspec.Struct):
    symbol: str
    qty: str
    side: str
    type: str
    time_in_force: str
    client_order_id: str
    limit_price: str | None = None


_ORDER_IN = msgspec.json.Decoder(OrderIn)
_JSON = msgspec.json.encode


def _places(increment: Decimal) -> int:
    exponent = increment.normalize().as_tuple().exponent
    return max(0, -int(exponent))


class Sym:
    """One instrument as the venue quotes it: a random walk of the bid, in ticks."""

    __slots__ = ("asset", "bid", "lot", "lot_dp", "symbol", "tick", "tick_dp")

    def __init__(self, spec: SymbolSpec) -> None:
        self.symbol = spec.symbol
        self.tick = float(spec.price_increment)
        self.tick_dp = _places(spec.price_increment)
        self.lot = float(spec.size_increment)
        self.lot_dp = _places(spec.size_increment)
        self.bid = spec.instrument().ticks(spec.start_price)
        self.asset = _JSON(
            {
                "id": f"asset-{spec.symbol}",
                "class": spec.asset_class,
                "exchange": "SIM",
                "symbol": spec.symbol,
                "status": "active",
                "tradable": True,
                "price_increment": str(spec.price_increment),
                "min_trade_increment": str(spec.size_increment),
                "min_order_size": str(spec.size_increment * spec.min_lots),
            }
        )

    def price(self, ticks: int) -> str:
        return f"{ticks * self.tick:.{self.tick_dp}f}"

    def size(self, lots: int) -> str:
        return f"{lots * self.lot:.{self.lot_dp}f}"


class Venue:
    """The harness server. ``await start()``, then drive it from the bench."""

    def __init__(self, specs: tuple[SymbolSpec, ...], seed: int = 7) -> None:
        self.syms = {s.symbol: Sym(s) for s in specs}
        self.rng = random.Random(seed)
        self.bot_data: web.WebSocketResponse | None = None
        self.bot_updates: web.WebSocketResponse | None = None
        self.bare: web.WebSocketResponse | None = None
        self.data_ready = asyncio.Event()
        self.updates_ready = asyncio.Event()
        self.bare_ready = asyncio.Event()
        # symbol -> (seq, sent ns, recorded) of the trigger quote awaiting its order
        self.pending: dict[str, tuple[int, int, bool]] = {}
        self.e2e: list[tuple[str, int, int, int]] = []  # (cid, seq, sent ns, received ns)
        self.relay_sent: dict[int, tuple[int, bool]] = {}
        self.relay: list[tuple[int, int, int, int]] = []  # (seq, sent, received, client t0)
        self.orders = 0
        self.unmatched = 0
        self.quotes_sent = 0
        self._ts = 0
        self._sec = -1
        self._sec_text = ""
        self._n = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None

    # -- lifecycle ----------------------------------------------------------------

    async def start(self) -> int:
        app = web.Application()
        app.router.add_routes(
            [
                web.post("/v2/orders", self._post_order),
                web.get("/v2/orders", self._empty_list),
                web.delete("/v2/orders", self._multi_status),
                web.get("/v2/orders:by_client_order_id", self._not_found),
                web.delete("/v2/orders/{order_id}", self._no_content),
                web.get("/v2/positions", self._empty_list),
                web.delete("/v2/positions", self._multi_status),
                web.get("/v2/account", self._account),
                web.get("/v2/assets/{symbol}", self._asset),
                web.get("/stream", self._updates_stream),
                web.get("/bare/ws", self._bare_stream),
                web.post("/bare/order", self._bare_order),
                web.get("/v2/{feed}", self._data_stream),
            ]
        )
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        return int(runner.addresses[0][1])

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- quotes -------------------------------------------------------------------

    def ts_text(self) -> str:
        """A strictly increasing RFC 3339 timestamp near the wall clock."""
        ns = self._ts = max(self._ts + 1, time.time_ns())
        sec, frac = divmod(ns, 1_000_000_000)
        if sec != self._sec:
            self._sec = sec
            self._sec_text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec))
        return f"{self._sec_text}.{frac:09d}Z"

    def quote(self, sym: Sym, bid_lots: int = 0) -> str:
        """One Alpaca quote message as JSON; ``bid_lots`` 0 draws a normal size."""
        rng = self.rng
        step = rng.random()
        bid = sym.bid = max(10, sym.bid + (1 if step < 0.3 else -1 if step < 0.6 else 0))
        ask = bid + (2 if step > 0.8 else 1)
        bs = sym.size(bid_lots or 1 + int(rng.random() * 99))
        ask_size = sym.size(1 + int(rng.random() * 99))
        return (
            f'{{"T":"q","S":"{sym.symbol}","bx":"V","bp":{sym.price(bid)},"bs":{bs},'
            f'"ax":"V","ap":{sym.price(ask)},"as":{ask_size},"t":"{self.ts_text()}",'
            f'"c":["R"],"z":"C"}}'
        )

    def frame(self, syms: list[Sym]) -> bytes:
        return ("[" + ",".join(self.quote(s) for s in syms) + "]").encode()

    async def trigger_bot(self, seq: int, sym: Sym, record: bool) -> None:
        """Send one trigger quote (its own frame); the matching order is timed on arrival."""
        ws = self.bot_data
        assert ws is not None
        t = clock()
        frame = ("[" + self.quote(sym, MARKER_LOTS) + "]").encode()
        self.pending[sym.symbol] = (seq, t, record)
        self.quotes_sent += 1
        await ws.send_frame(frame, _TEXT)

    async def send_bot(self, frame: bytes, quotes: int) -> None:
        ws = self.bot_data
        assert ws is not None
        self.quotes_sent += quotes
        await ws.send_frame(frame, _TEXT)

    async def trigger_bare(self, seq: int, record: bool) -> None:
        ws = self.bare
        assert ws is not None
        t = clock()
        frame = b'{"k":"r","i":%d,"t":%d}' % (seq, t)
        self.relay_sent[seq] = (t, record)
        await ws.send_frame(frame, _TEXT)

    async def background_bare(self) -> None:
        ws = self.bare
        assert ws is not None
        await ws.send_frame(b'{"k":"b","i":0,"t":0}', _TEXT)

    # -- orders -------------------------------------------------------------------

    def _order_object(
        self, o: OrderIn, status: str, filled: str, avg: str | None
    ) -> dict[str, Any]:
        now = self.ts_text()
        self._n += 1
        return {
            "id": f"ord-{self._n:012d}",
            "client_order_id": o.client_order_id,
            "created_at": now,
            "updated_at": now,
            "submitted_at": now,
            "filled_at": now if avg else None,
            "expired_at": None,
            "canceled_at": None,
            "failed_at": None,
            "replaced_at": None,
            "replaced_by": None,
            "replaces": None,
            "asset_id": f"asset-{o.symbol}",
            "symbol": o.symbol,
            "asset_class": "us_equity",
            "notional": None,
            "qty": o.qty,
            "filled_qty": filled,
            "filled_avg_price": avg,
            "order_class": "simple",
            "order_type": o.type,
            "type": o.type,
            "side": o.side,
            "position_intent": "buy_to_open" if o.side == "buy" else "sell_to_close",
            "time_in_force": o.time_in_force,
            "limit_price": o.limit_price,
            "stop_price": None,
            "status": status,
            "extended_hours": False,
            "legs": None,
            "trail_percent": None,
            "trail_price": None,
            "hwm": None,
        }

    async def _post_order(self, request: web.Request) -> web.Response:
        t = clock()
        o = _ORDER_IN.decode(await request.read())
        self.orders += 1
        pending = self.pending.pop(o.symbol, None)
        if pending is None:
            self.unmatched += 1
        elif pending[2]:
            self.e2e.append((o.client_order_id, pending[0], pending[1], t))
        order = self._order_object(o, "accepted", "0", None)
        self._spawn(self._fill(o))
        return web.Response(body=_JSON(order), content_type="application/json")

    async def _fill(self, o: OrderIn) -> None:
        """Fill the whole order on trade_updates (after the REST answer went out)."""
        ws = self.bot_updates
        sym = self.syms.get(o.symbol)
        if ws is None or sym is None:
            return
        price = sym.price(sym.bid)
        order = self._order_object(o, "filled", o.qty, price)
        data = {
            "event": "fill",
            "execution_id": f"{order['id']}-1",
            "price": price,
            "qty": o.qty,
            "position_qty": o.qty if o.side == "buy" else "0",
            "timestamp": order["updated_at"],
            "order": order,
        }
        await ws.send_bytes(_JSON({"stream": "trade_updates", "data": data}))

    async def _bare_order(self, request: web.Request) -> web.Response:
        t = clock()
        seq = int(request.headers["X-Seq"])
        t0 = int(request.headers["X-T0"])
        o = _ORDER_IN.decode(await request.read())
        sent = self.relay_sent.pop(seq, None)
        if sent is not None and sent[1]:
            self.relay.append((seq, sent[0], t, t0))
        order = self._order_object(o, "accepted", "0", None)
        return web.Response(body=_JSON(order), content_type="application/json")

    # -- the rest of the REST API the runtime touches ---------------------------------

    async def _asset(self, request: web.Request) -> web.Response:
        sym = self.syms.get(request.match_info["symbol"])
        if sym is None:
            return web.json_response({"code": 40410000, "message": "not found"}, status=404)
        return web.Response(body=sym.asset, content_type="application/json")

    async def _account(self, request: web.Request) -> web.Response:
        cash = "10000000"
        body = {"cash": cash, "equity": cash, "buying_power": cash, "status": "ACTIVE"}
        return web.json_response(body)

    async def _empty_list(self, request: web.Request) -> web.Response:
        return web.json_response([])

    async def _multi_status(self, request: web.Request) -> web.Response:
        return web.json_response([], status=207)

    async def _not_found(self, request: web.Request) -> web.Response:
        return web.json_response({"code": 40410000, "message": "order not found"}, status=404)

    async def _no_content(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    # -- websockets ---------------------------------------------------------------

    async def _data_stream(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(compress=False, max_msg_size=2**24)
        await ws.prepare(request)
        await ws.send_str('[{"T":"success","msg":"connected"}]')
        async for msg in ws:
            if msg.type is not _TEXT:
                continue
            action = msgspec.json.decode(msg.data)
            if action.get("action") == "auth":
                await ws.send_str('[{"T":"success","msg":"authenticated"}]')
            elif action.get("action") == "subscribe":
                quotes = action.get("quotes", [])
                reply = {"T": "subscription", "quotes": quotes, "trades": quotes, "bars": []}
                await ws.send_str(_JSON([reply]).decode())
                self.bot_data = ws
                self.data_ready.set()
        if self.bot_data is ws:
            self.bot_data = None
            self.data_ready.clear()
        return ws

    async def _updates_stream(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(compress=False)
        await ws.prepare(request)
        async for msg in ws:
            if msg.type not in (_TEXT, WSMsgType.BINARY):
                continue
            action = msgspec.json.decode(msg.data)
            if action.get("action") == "authenticate":
                data = {"status": "authorized", "action": "authenticate"}
                await ws.send_bytes(_JSON({"stream": "authorization", "data": data}))
            elif action.get("action") == "listen":
                data = {"streams": ["trade_updates"]}
                await ws.send_bytes(_JSON({"stream": "listening", "data": data}))
                self.bot_updates = ws
                self.updates_ready.set()
        if self.bot_updates is ws:
            self.bot_updates = None
        return ws

    async def _bare_stream(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(compress=False)
        await ws.prepare(request)
        self.bare = ws
        self.bare_ready.set()
        async for _ in ws:
            pass
        if self.bare is ws:
            self.bare = None
        return ws
