"""Alpaca trading objects as the simulated venue renders them (numbers as strings).

The mutable order record :class:`SimOrder` lives here too, with its JSON
state form, so REST answers, trade_updates events and the state file all
describe an order the same way.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from engine.model import Instrument, OrderType, Position, Side, Symbol, TimeInForce
from engine.venues.sim.protocol import Units, plain, rfc3339, rfc3339_or_none

if TYPE_CHECKING:
    from engine.venues.sim.accounts import Account

OPEN_STATUSES = frozenset({"accepted", "pending_new", "new", "partially_filled"})
"""Alpaca statuses of an order that can still fill (``status=open``)."""

_NAMESPACE = uuid.UUID("6f0c1c2e-5b7a-4d1e-9a43-51d7c0a5e0b1")


def asset_id(symbol: str) -> str:
    """A stable UUID for a symbol's asset."""
    return str(uuid.uuid5(_NAMESPACE, f"asset/{symbol}"))


ACCOUNT_ID = str(uuid.uuid5(_NAMESPACE, "account"))


class SimOrder:
    """One order as the venue records it: ticks, lots, ns times, an Alpaca status."""

    __slots__ = (
        "asset_class",
        "canceled_at",
        "client_order_id",
        "cost",
        "created_at",
        "expired_at",
        "extended_hours",
        "failed_at",
        "filled",
        "filled_at",
        "id",
        "intent",
        "limit",
        "order_type",
        "qty",
        "side",
        "status",
        "symbol",
        "tif",
        "updated_at",
    )

    def __init__(
        self,
        *,
        id: str,
        client_order_id: str,
        symbol: str,
        asset_class: str,
        side: Side,
        order_type: OrderType,
        tif: TimeInForce,
        qty: int,
        limit: int,
        intent: str,
        created_at: int,
        extended_hours: bool = False,
    ) -> None:
        self.id = id
        self.client_order_id = client_order_id
        self.symbol = symbol
        self.asset_class = asset_class
        self.side = side
        self.order_type = order_type
        self.tif = tif
        self.qty = qty
        self.limit = limit
        self.intent = intent
        self.extended_hours = extended_hours
        self.status = "accepted"
        self.filled = 0
        self.cost = 0  # sum of price x lots over fills (tick-lots)
        self.created_at = self.updated_at = created_at
        self.filled_at = self.canceled_at = self.expired_at = self.failed_at = 0

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def leaves(self) -> int:
        return self.qty - self.filled if self.is_open else 0

    def to_state(self) -> dict[str, Any]:
        """The record as plain JSON values (for the state file)."""
        state = {name: getattr(self, name) for name in self.__slots__}
        state["side"] = "buy" if self.side is Side.BUY else "sell"
        state["order_type"] = self.order_type.value
        state["tif"] = self.tif.value
        return state

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> SimOrder:
        rec = cls(
            id=state["id"],
            client_order_id=state["client_order_id"],
            symbol=state["symbol"],
            asset_class=state["asset_class"],
            side=Side.BUY if state["side"] == "buy" else Side.SELL,
            order_type=OrderType(state["order_type"]),
            tif=TimeInForce(state["tif"]),
            qty=int(state["qty"]),
            limit=int(state["limit"]),
            intent=state["intent"],
            created_at=int(state["created_at"]),
            extended_hours=bool(state["extended_hours"]),
        )
        rec.status = str(state["status"])
        for name in _INT_STATE:
            setattr(rec, name, int(state[name]))
        return rec


_INT_STATE = ("filled", "cost", "updated_at", "filled_at", "canceled_at", "expired_at", "failed_at")


def order_object(rec: SimOrder, units: Units) -> dict[str, Any]:
    """The Alpaca order object (protocols.md 1.3): numbers as strings, unset as null."""
    kind = rec.order_type.value
    created = rfc3339(rec.created_at)
    return {
        "id": rec.id,
        "client_order_id": rec.client_order_id,
        "created_at": created,
        "updated_at": rfc3339(rec.updated_at),
        "submitted_at": created,
        "filled_at": rfc3339_or_none(rec.filled_at),
        "expired_at": rfc3339_or_none(rec.expired_at),
        "canceled_at": rfc3339_or_none(rec.canceled_at),
        "failed_at": rfc3339_or_none(rec.failed_at),
        "replaced_at": None,
        "replaced_by": None,
        "replaces": None,
        "asset_id": asset_id(rec.symbol),
        "symbol": rec.symbol,
        "asset_class": rec.asset_class,
        "notional": None,
        "qty": units.qty_str(rec.qty),
        "filled_qty": units.qty_str(rec.filled),
        "filled_avg_price": units.avg_price_str(rec.cost, rec.filled),
        "order_class": "simple",
        "order_type": kind,
        "type": kind,
        "side": "buy" if rec.side is Side.BUY else "sell",
        "position_intent": rec.intent,
        "time_in_force": rec.tif.value,
        "limit_price": units.price_str(rec.limit) if rec.order_type is OrderType.LIMIT else None,
        "stop_price": None,
        "status": rec.status,
        "extended_hours": rec.extended_hours,
        "legs": None,
        "trail_percent": None,
        "trail_price": None,
        "hwm": None,
        "subtag": None,
        "source": None,
        "expires_at": None,
    }


EQUITY_EXCHANGE = "NASDAQ"
"""Where the simulated equities are listed: one of Alpaca's asset exchanges (alpaca-py's
``AssetExchange``; "IEX" is a data feed, not one of them, and the SDK refuses it)."""


def _exchange(asset_class: str) -> str:
    return "CRYPTO" if asset_class == "crypto" else EQUITY_EXCHANGE


def asset_object(units: Units, asset_class: str) -> dict[str, Any]:
    """The Alpaca asset object, with the increments the bot learns its grid from."""
    inst = units.instrument
    return {
        "id": asset_id(inst.symbol),
        "class": asset_class,
        "exchange": _exchange(asset_class),
        "symbol": inst.symbol,
        "name": f"{inst.symbol} (simulated)",
        "status": "active",
        "tradable": True,
        "marginable": asset_class != "crypto",
        "shortable": True,
        "easy_to_borrow": True,
        "fractionable": inst.size_increment < 1,
        "maintenance_margin_requirement": 100,
        "margin_requirement_long": "100",
        "margin_requirement_short": "100",
        "min_order_size": units.qty_str(inst.min_lots),
        "min_trade_increment": units.qty_str(1),
        "price_increment": units.price_str(1),
        "attributes": [],
    }


class ApiError(Exception):
    """A REST error answer: HTTP status plus Alpaca's ``{"code","message"}`` body."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def unprocessable(message: str) -> ApiError:
    """422 with Alpaca's generic parameter error code."""
    return ApiError(422, 42210000, message)


def not_found(message: str) -> ApiError:
    return ApiError(404, 40410000, message)


def forbidden(message: str) -> ApiError:
    """403 with Alpaca's code for insufficient buying power or quantity."""
    return ApiError(403, 40310000, message)


def position_object(account: Account, symbol: str) -> dict[str, Any]:
    """The Alpaca position object for one open position (strings; shorts negative)."""
    sym = Symbol(symbol)
    units = account.units[sym]
    inst = units.instrument
    pos = account.portfolio.position(sym)
    avg = inst.price(pos.avg_price)
    current = Decimal(pos.mark2) * inst.price_increment / 2 if pos.mark2 else avg
    value = position_value(inst, pos)
    cost = round(pos.avg_price * pos.qty) * inst.money_per_tick_lot
    side = Side.SELL if pos.qty > 0 else Side.BUY
    held = sum(r.leaves for r in account.open_orders() if r.symbol == symbol and r.side is side)
    available = pos.qty - held if pos.qty > 0 else pos.qty + held
    plpc = Decimal(pos.unrealized_pnl) / abs(cost) if cost else Decimal(0)
    unrealized = units.money_str(pos.unrealized_pnl)
    return {
        "asset_id": asset_id(symbol),
        "symbol": symbol,
        "exchange": _exchange(account.asset_classes[symbol]),
        "asset_class": account.asset_classes[symbol],
        "asset_marginable": account.asset_classes[symbol] != "crypto",
        "avg_entry_price": plain(avg),
        "qty": units.qty_str(pos.qty),
        "qty_available": units.qty_str(available),
        "side": "long" if pos.qty > 0 else "short",
        "market_value": money(value),
        "cost_basis": money(cost),
        "unrealized_pl": unrealized,
        "unrealized_plpc": plain(plpc.quantize(Decimal("1e-10"))),
        "unrealized_intraday_pl": unrealized,
        "unrealized_intraday_plpc": plain(plpc.quantize(Decimal("1e-10"))),
        "current_price": plain(current),
        "lastday_price": plain(current),
        "change_today": "0",
    }


def account_object(account: Account, created_ns: int) -> dict[str, Any]:
    """The Alpaca account object (money as strings)."""
    p = account.portfolio
    long_value = short_value = 0
    for pos in p.open_positions():
        value = position_value(account.instruments[pos.symbol], pos)
        if value > 0:
            long_value += value
        else:
            short_value += value
    bp = money(account.buying_power())
    gross = p.gross_exposure
    return {
        "id": ACCOUNT_ID,
        "account_number": "SIM000001",
        "status": "ACTIVE",
        "crypto_status": "ACTIVE",
        "currency": "USD",
        "cash": money(p.cash),
        "portfolio_value": money(p.equity),
        "equity": money(p.equity),
        "last_equity": money(p.day_start_equity),
        "long_market_value": money(long_value),
        "short_market_value": money(short_value),
        "buying_power": bp,
        "regt_buying_power": bp,
        "daytrading_buying_power": bp,
        "effective_buying_power": bp,
        "non_marginable_buying_power": bp,
        "initial_margin": money(gross),
        "maintenance_margin": money(gross * 3 // 10),
        "last_maintenance_margin": "0",
        "sma": "0",
        "multiplier": plain(account.multiplier),
        "daytrade_count": 0,
        "pattern_day_trader": False,
        "trading_blocked": False,
        "transfers_blocked": False,
        "account_blocked": False,
        "trade_suspended_by_user": False,
        "shorting_enabled": True,
        "accrued_fees": money(p.fees),
        "pending_transfer_in": "0",
        "pending_transfer_out": "0",
        "created_at": rfc3339(created_ns),
        "balance_asof": rfc3339(created_ns)[:10],
    }


def money(nanos: int) -> str:
    """Money nanos as a plain decimal string."""
    return plain(Decimal(nanos).scaleb(-9))


def position_value(inst: Instrument, pos: Position) -> int:
    """Marked value of a position in nanos, as the portfolio computes it (cost before a mark)."""
    mpl = inst.money_per_tick_lot
    if pos.mark2:
        return pos.qty * pos.mark2 * mpl // 2
    return round(pos.avg_price * pos.qty) * mpl
