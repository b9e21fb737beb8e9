"""The one vocabulary: frozen value types, enums and ids (imports nothing else)."""

from engine.model.enums import LiquiditySide
from engine.model.enums import OrderStatus
from engine.model.enums import OrderType
from engine.model.enums import ReportKind
from engine.model.enums import Side
from engine.model.enums import TimeInForce
from engine.model.enums import TradingState
from engine.model.ids import ClientOrderId
from engine.model.ids import ExecutionId
from engine.model.ids import IdFactory
from engine.model.ids import StrategyId
from engine.model.ids import Symbol
from engine.model.ids import VenueOrderId
from engine.model.instrument import MONEY_SCALE
from engine.model.instrument import Instrument
from engine.model.instrument import OffGridError
from engine.model.instrument import decimal_to_money
from engine.model.instrument import money_to_decimal
from engine.model.instrument import money_to_float
from engine.model.market import Bar
from engine.model.market import BookLevel
from engine.model.market import BookUpdate
from engine.model.market import MarketEvent
from engine.model.market import Quote
from engine.model.market import Trade
from engine.model.orders import ExecutionReport
from engine.model.orders import Fill
from engine.model.orders import Order
from engine.model.orders import OrderIntent
from engine.model.portfolio import AccountSnapshot
from engine.model.portfolio import Position

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
