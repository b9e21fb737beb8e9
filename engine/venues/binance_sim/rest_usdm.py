"""Routes of the simulated Binance USD-M REST API under ``/fapi/v1``, with weights and errors.

Every answer passes :meth:`UsdmRest.middleware`: the request's weight (and, for
``POST /fapi/v1/order``, one order) is admitted by the limiter first, so a 429 or
418 happens before any side effect; every answer, error or not, then carries
``X-MBX-USED-WEIGHT-1M`` (order placements also ``X-MBX-ORDER-COUNT-10S``/``-1M``),
and every error is Binance's ``{"code","msg"}`` JSON: an exception the sim did not
expect is -1000 with HTTP 500, never a traceback. Each route reads only the params
in :data:`READS`; any other gives -1104 before any side effect (:mod:`.params`).

Weights (SDK-F docstrings): ping, time, exchangeInfo 1; depth 2/5/10/20 for
limit <=50/100/500/1000 (default 500); POST order 0 plus one order; GET and
DELETE order 1; openOrders 1 with a symbol, 40 without; allOpenOrders 1.
"""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web

from engine.venues.binance_sim.account import BinanceAccount
from engine.venues.binance_sim.auth import verify_signed
from engine.venues.binance_sim.errors import NOT_FOUND
from engine.venues.binance_sim.errors import BinanceSimError
from engine.venues.binance_sim.errors import error_response
from engine.venues.binance_sim.errors import json_response
from engine.venues.binance_sim.exchange_info import exchange_info
from engine.venues.binance_sim.keys import SimKey
from engine.venues.binance_sim.limits import SimLimiter
from engine.venues.binance_sim.params import ascii_int
from engine.venues.binance_sim.params import check_all_read

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Weigher = Callable[[Mapping[str, str]], int]

DEPTH_WEIGHTS = {5: 2, 10: 2, 20: 2, 50: 2, 100: 5, 500: 10, 1000: 20}
IDENTITY_PATH = "/sim/identity"
IDENTITY = {"venue": "scalpbot-sim", "protocol": 1, "wire": "binance-usdm"}


@dataclass(frozen=True, slots=True)
class Cost:
    """What a route costs: request weight (from its query) and orders placed."""

    weight: Weigher
    orders: int = 0


def _fixed(n: int) -> Weigher:
    return lambda _query: n


def _depth_weight(query: Mapping[str, str]) -> int:
    limit = ascii_int(query.get("limit", "500"))
    return 10 if limit is None else DEPTH_WEIGHTS.get(limit, 10)


COSTS: dict[tuple[str, str], Cost] = {
    ("GET", "/fapi/v1/ping"): Cost(_fixed(1)),
    ("GET", "/fapi/v1/time"): Cost(_fixed(1)),
    ("GET", "/fapi/v1/exchangeInfo"): Cost(_fixed(1)),
    ("GET", "/fapi/v1/depth"): Cost(_depth_weight),
    ("POST", "/fapi/v1/order"): Cost(_fixed(0), orders=1),
    ("GET", "/fapi/v1/order"): Cost(_fixed(1)),
    ("DELETE", "/fapi/v1/order"): Cost(_fixed(1)),
    ("GET", "/fapi/v1/openOrders"): Cost(lambda q: 1 if "symbol" in q else 40),
    ("DELETE", "/fapi/v1/allOpenOrders"): Cost(_fixed(1)),
    ("GET", IDENTITY_PATH): Cost(_fixed(0)),
}
_UNKNOWN_COST = Cost(_fixed(1))

_ORDER_PARAMS = ("symbol", "side", "type", "quantity", "price", "timeInForce")
_ORDER_EXTRAS = ("newClientOrderId", "reduceOnly", "newOrderRespType")
READS: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/fapi/v1/depth"): frozenset({"symbol", "limit"}),
    ("POST", "/fapi/v1/order"): frozenset(_ORDER_PARAMS + _ORDER_EXTRAS),
    ("GET", "/fapi/v1/order"): frozenset({"symbol", "orderId", "origClientOrderId"}),
    ("DELETE", "/fapi/v1/order"): frozenset({"symbol", "orderId", "origClientOrderId"}),
    ("GET", "/fapi/v1/openOrders"): frozenset({"symbol"}),
    ("DELETE", "/fapi/v1/allOpenOrders"): frozenset({"symbol"}),
}
_READS_NOTHING: frozenset[str] = frozenset()


def _reads(request: web.Request) -> frozenset[str]:
    return READS.get((request.method, request.path), _READS_NOTHING)


def raw_query(request: web.Request) -> bytes:
    """The query string exactly as received (never re-encoded)."""
    return request.raw_path.partition("?")[2].encode("utf-8", "surrogateescape")


class UsdmRest:
    """The USD-M REST routes over one account, one limiter and the accepted keys."""

    def __init__(
        self,
        account: BinanceAccount,
        limiter: SimLimiter,
        keys: Mapping[str, SimKey],
        clock_ms: Callable[[], int],
    ) -> None:
        self.account = account
        self.limiter = limiter
        self.keys = keys
        self.clock_ms = clock_ms

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Admit, run, then stamp the weight headers; errors become Binance JSON."""
        cost = COSTS.get((request.method, request.path), _UNKNOWN_COST)
        is_order = cost.orders > 0
        refusal = self.limiter.admit(cost.weight(request.query), cost.orders, self.clock_ms())
        headers = self.limiter.headers(is_order)
        if refusal is not None:
            headers["Retry-After"] = str(refusal.retry_after_s)
            return error_response(refusal.error, headers)
        try:
            response = await handler(request)
        except BinanceSimError as failure:
            response = error_response(failure)
        except web.HTTPException as exc:
            err = BinanceSimError(
                NOT_FOUND, f"{exc.reason}: {request.method} {request.path}", exc.status
            )
            response = error_response(err)
        except Exception:  # any unexpected failure: -1000 JSON, never a traceback
            response = error_response(BinanceSimError(-1000))
        response.headers.update(headers)
        return response

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/fapi/v1/ping", self.ping),
            web.get("/fapi/v1/time", self.time),
            web.get("/fapi/v1/exchangeInfo", self.exchange_info),
            web.get("/fapi/v1/depth", self.depth),
            web.post("/fapi/v1/order", self.new_order),
            web.get("/fapi/v1/order", self.query_order),
            web.delete("/fapi/v1/order", self.cancel_order),
            web.get("/fapi/v1/openOrders", self.open_orders),
            web.delete("/fapi/v1/allOpenOrders", self.cancel_all),
            web.get(IDENTITY_PATH, self.identity),
        ]

    async def _signed(self, request: web.Request) -> dict[str, str]:
        body = await request.read() if request.can_read_body else b""
        signed = verify_signed(
            request.headers, raw_query(request), body, self.keys, self.clock_ms()
        )
        check_all_read(signed.params, _reads(request), signed=True)
        return signed.params

    @staticmethod
    def _public(request: web.Request) -> Mapping[str, str]:
        check_all_read(request.query, _reads(request), signed=False)
        return request.query

    # -- public ------------------------------------------------------------------------

    async def ping(self, request: web.Request) -> web.Response:
        self._public(request)
        return json_response({})

    async def time(self, request: web.Request) -> web.Response:
        self._public(request)
        return json_response({"serverTime": self.clock_ms()})

    async def exchange_info(self, request: web.Request) -> web.Response:
        self._public(request)
        return json_response(exchange_info(self.limiter.limits, self.clock_ms()))

    async def depth(self, request: web.Request) -> web.Response:
        query = self._public(request)
        if query.get("symbol") is None:
            raise BinanceSimError(
                -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."
            )
        if query["symbol"] != self.account.instrument.symbol:
            raise BinanceSimError(-1121)
        limit = ascii_int(query.get("limit", "500"))
        if limit is None or limit not in DEPTH_WEIGHTS:
            legal = ", ".join(str(n) for n in DEPTH_WEIGHTS)
            raise BinanceSimError(
                -1100, f"Illegal characters found in parameter 'limit'; legal range is '{legal}'."
            )
        return json_response(self.account.book.depth_body(limit))

    async def identity(self, request: web.Request) -> web.Response:
        self._public(request)
        return json_response(IDENTITY)

    # -- signed ------------------------------------------------------------------------

    async def new_order(self, request: web.Request) -> web.Response:
        params = await self._signed(request)
        return json_response(self.account.place(params, self.clock_ms()))

    async def query_order(self, request: web.Request) -> web.Response:
        return json_response(self.account.query(await self._signed(request)))

    async def cancel_order(self, request: web.Request) -> web.Response:
        params = await self._signed(request)
        return json_response(self.account.cancel(params, self.clock_ms()))

    async def open_orders(self, request: web.Request) -> web.Response:
        return json_response(self.account.open_orders(await self._signed(request)))

    async def cancel_all(self, request: web.Request) -> web.Response:
        params = await self._signed(request)
        return json_response(self.account.cancel_all(params, self.clock_ms()))
