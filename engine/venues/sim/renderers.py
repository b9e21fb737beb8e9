"""Alpaca JSON renderers of the simulated venue: assets, positions and the account as
Alpaca's trading REST v2 shows them (numbers as strings). An order's own JSON form is
:func:`engine.venues.sim.orders.order_object`, beside its record.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.model import Instrument
from engine.model import Position
from engine.model import Side
from engine.model import Symbol
from engine.venues.sim.accounts import Account
from engine.venues.sim.ids import ACCOUNT_ID
from engine.venues.sim.ids import asset_id
from engine.venues.sim.protocol import Units
from engine.venues.sim.protocol import plain
from engine.venues.sim.protocol import rfc3339

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
