"""Configuration of the simulated venue: frozen and validated on construction."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import msgspec

from engine.model import MONEY_SCALE
from engine.model import Instrument
from engine.model import Symbol
from engine.paper import PaperConfig
from engine.venues.sim.faults import FaultConfig

DEFAULT_KEY = "sim-key"
DEFAULT_SECRET = "sim-secret"

AssetClass = Literal["us_equity", "crypto"]


class SymbolSpec(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One synthetic instrument: its grid, where its price starts and how it moves.

    ``move_ticks`` is the largest mid move of one quote in the normal regime
    (bursts move up to three times as far); ``spread_ticks`` the usual spread;
    ``depth_lots`` the mean size shown at the touch.
    """

    symbol: str
    price_increment: Decimal
    size_increment: Decimal
    start_price: Decimal
    asset_class: AssetClass = "us_equity"
    min_lots: int = 1
    move_ticks: int = 1
    spread_ticks: int = 1
    depth_lots: int = 100

    def __post_init__(self) -> None:
        if not self.symbol or not self.symbol.replace(".", "").replace("/", "").isalnum():
            raise ValueError(f"symbol {self.symbol!r} must be alphanumeric")
        inst = self.instrument()  # validates the increments
        if inst.ticks(self.start_price) < 10:
            raise ValueError(f"{self.symbol}: start_price must be at least 10 ticks")
        for name in ("min_lots", "move_ticks", "spread_ticks", "depth_lots"):
            if getattr(self, name) < 1:
                raise ValueError(f"{self.symbol}: {name} must be at least 1")

    def instrument(self) -> Instrument:
        """The model instrument (raises ``ValueError`` off grid)."""
        return Instrument(
            symbol=Symbol(self.symbol),
            price_increment=self.price_increment,
            size_increment=self.size_increment,
            venue="SIM",
            min_lots=self.min_lots,
        )


def _spec(symbol: str, tick: str, lot: str, price: str, **kw: object) -> SymbolSpec:
    return SymbolSpec(
        symbol=symbol,
        price_increment=Decimal(tick),
        size_increment=Decimal(lot),
        start_price=Decimal(price),
        **kw,  # type: ignore[arg-type]
    )


DEFAULT_SYMBOLS: tuple[SymbolSpec, ...] = (
    _spec("SIMEQ", "0.01", "1", "150.00", depth_lots=300),
    _spec("SIMLOW", "0.01", "1", "12.50", depth_lots=2000),
    _spec("SIMFUT", "0.25", "1", "5000.00", depth_lots=20),
    _spec(
        "BTCUSD",
        "0.1",
        "0.001",
        "60000.0",
        asset_class="crypto",
        move_ticks=5,
        depth_lots=500,
    ),
    _spec(
        "ETHUSD",
        "0.01",
        "0.0001",
        "3000.00",
        asset_class="crypto",
        move_ticks=3,
        depth_lots=5000,
    ),
)
"""The default synthetic market: equity-like (tick 0.01, lot 1), a futures-like
tick of 0.25, and crypto-like symbols (tick 0.1, lot 0.001; tick 0.01, lot 0.0001)."""


def synthetic_symbols(n: int) -> tuple[SymbolSpec, ...]:
    """``n`` symbols: the defaults first, then ``SYM006``... cycling their grids (benchmarks)."""
    if n < 1:
        raise ValueError(f"the synthetic market needs at least one symbol (got {n})")
    out = list(DEFAULT_SYMBOLS[:n])
    for i in range(len(out), n):
        base = DEFAULT_SYMBOLS[i % len(DEFAULT_SYMBOLS)]
        price = base.start_price * (1 + Decimal(i % 17) / 20)
        price = price.quantize(base.price_increment)
        out.append(msgspec.structs.replace(base, symbol=f"SYM{i + 1:03d}", start_price=price))
    return tuple(out)


class SimVenueConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Everything the simulated venue needs; validated on construction and decode.

    Market: the synthetic ``symbols`` at ``quote_rate`` quotes per second per
    symbol (regimes scale it from a fifth to five times), or, when
    ``data_files`` is given, a replay of those files at ``speed`` (1.0 = real
    time, 0 = as fast as possible), re-stamped to wall time.
    """

    key: str = DEFAULT_KEY
    secret: str = DEFAULT_SECRET
    seed: int = 1
    symbols: tuple[SymbolSpec, ...] = DEFAULT_SYMBOLS
    quote_rate: float = 20.0
    trade_ratio: float = 0.2
    data_files: tuple[str, ...] = ()
    speed: float = 1.0
    replay_loop: bool = False
    replay_batch: int = 2000
    step_ms: float = 5.0
    starting_cash: Decimal = Decimal(100_000)
    margin_multiplier: Decimal = Decimal(1)
    state_file: str | None = None
    state_interval: float = 1.0
    max_data_connections: int = 1
    max_symbols: int = 0
    auth_timeout: float = 10.0
    slow_client_messages: int = 200_000
    ws_compress: bool = False
    paper: PaperConfig = PaperConfig(venue="SIM")
    faults: FaultConfig = FaultConfig()

    def __post_init__(self) -> None:
        if not self.key or not self.secret:
            raise ValueError("the venue key and secret must be non-empty")
        if not self.symbols and not self.data_files:
            raise ValueError("the venue needs synthetic symbols or a data file")
        names = [s.symbol for s in self.symbols]
        if len(set(names)) != len(names):
            raise ValueError("synthetic symbols must be unique")
        if not 0 < self.quote_rate <= 100_000:
            raise ValueError(
                f"quote_rate must be in (0, 100000] per second (got {self.quote_rate})"
            )
        if not 0 <= self.trade_ratio < 1:
            raise ValueError(f"trade_ratio must be in [0, 1) (got {self.trade_ratio})")
        if self.speed < 0:
            raise ValueError(f"speed must be >= 0 (got {self.speed})")
        if not 0.5 <= self.step_ms <= 1000:
            raise ValueError(f"step_ms must be in [0.5, 1000] (got {self.step_ms})")
        if self.starting_cash <= 0 or self.starting_cash * MONEY_SCALE % 1:
            raise ValueError("starting_cash must be positive, at most 9 decimals")
        if self.margin_multiplier < 1:
            raise ValueError("margin_multiplier must be at least 1")
        for name in ("state_interval", "auth_timeout"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        for name in ("max_data_connections", "slow_client_messages", "replay_batch"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.max_symbols < 0:
            raise ValueError("max_symbols must be >= 0 (0 = unlimited)")

    def __repr__(self) -> str:
        """Every field but the key and secret (shown masked)."""
        hidden = {"key", "secret"}
        fields = (
            f"{name}={'**********' if name in hidden else repr(getattr(self, name))}"
            for name in self.__struct_fields__
        )
        return f"SimVenueConfig({', '.join(fields)})"

    __str__ = __repr__

    @property
    def starting_cash_nanos(self) -> int:
        return int(self.starting_cash * MONEY_SCALE)
