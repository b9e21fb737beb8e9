"""The one vocabulary: frozen value types, enums and ids (imports nothing else)."""

from engine.model.enums import (
    LiquiditySide,
    OrderStatus,
    OrderType,
    ReportKind,
    Side,
    TimeInForce,
    TradingState,
)
from engine.model.ids import ClientOrderId, ExecutionId, IdFactory, StrategyId, Symbol, VenueOrderId
from engine.model.instrument import (
    MONEY_SCALE,
    Instrument,
    OffGridError,
    decimal_to_money,
    money_to_decimal,
    money_to_float,
)
from engine.model.market import Bar, BookLevel, BookUpdate, MarketEvent, Quote, Trade
from engine.model.orders import ExecutionReport, Fill, Order, OrderIntent
from engine.model.portfolio import AccountSnapshot, Position

__all__ = [
    "MONEY_SCALE",
    "AccountSnapshot",
    "Bar",
    "BookLevel",
    "BookUpdate",
    "ClientOrderId",
    "ExecutionId",
    "ExecutionReport",
    "Fill",
    "IdFactory",
    "Instrument",
    "LiquiditySide",
    "MarketEvent",
    "OffGridError",
    "Order",
    "OrderIntent",
    "OrderStatus",
    "OrderType",
    "Position",
    "Quote",
    "ReportKind",
    "Side",
    "StrategyId",
    "Symbol",
    "TimeInForce",
    "Trade",
    "TradingState",
    "VenueOrderId",
    "decimal_to_money",
    "money_to_decimal",
    "money_to_float",
]
