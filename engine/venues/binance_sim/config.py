"""Configuration of the simulated Binance USD-M venue (frozen; checked on construction)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from engine.paper import PaperConfig
from engine.venues.binance_sim.keys import SimKey

DEFAULT_CAPTURE = "../shared/data/raw/usdm_btcusdt_20240808.gz"
MAX_RECV_WINDOW_MS = 60_000


@dataclass(frozen=True, slots=True)
class RateLimitSpec:
    """One ``exchangeInfo.rateLimits`` entry: ``kind`` REQUEST_WEIGHT | ORDERS | RAW_REQUESTS."""

    kind: str
    interval: str  # SECOND | MINUTE | DAY
    interval_num: int
    limit: int

    @property
    def window_ms(self) -> int:
        unit = {"SECOND": 1_000, "MINUTE": 60_000, "HOUR": 3_600_000, "DAY": 86_400_000}
        return unit[self.interval] * self.interval_num

    @property
    def header_suffix(self) -> str:
        """``1M``, ``10S``: the tail of ``X-MBX-USED-WEIGHT-*`` / ``X-MBX-ORDER-COUNT-*``."""
        return f"{self.interval_num}{self.interval[0]}"


# USD-M's published limits [verify]: 2400 weight / 1 min, 1200 orders / 1 min, 300 / 10 s.
USDM_RATE_LIMITS = (
    RateLimitSpec("REQUEST_WEIGHT", "MINUTE", 1, 2400),
    RateLimitSpec("ORDERS", "MINUTE", 1, 1200),
    RateLimitSpec("ORDERS", "SECOND", 10, 300),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class BinanceSimConfig:
    """What the simulated Binance serves and how strictly.

    ``data_file`` is a raw USD-M capture; the static book is its first depth
    snapshot (or first bookTicker). ``ban_after`` requests inside a 429 back-off
    turn it into a 418 ban of ``ban_s`` seconds, doubling on each further ban.
    ``clock_skew_ms`` moves the sim's clock against the wall clock.
    """

    keys: tuple[SimKey, ...] = ()
    data_file: str = DEFAULT_CAPTURE
    symbol: str = "BTCUSDT"
    rate_limits: tuple[RateLimitSpec, ...] = USDM_RATE_LIMITS
    ban_after: int = 1
    ban_s: int = 120
    clock_skew_ms: int = 0
    paper: PaperConfig = field(
        default_factory=lambda: PaperConfig(venue="BINANCESIM", overflow="partial")
    )

    def __post_init__(self) -> None:
        if self.ban_after < 1 or self.ban_s < 1:
            raise ValueError("ban_after and ban_s must be at least 1")
        if len({k.api_key for k in self.keys}) != len(self.keys):
            raise ValueError("simulated Binance api keys must be distinct")
        if not any(r.kind == "REQUEST_WEIGHT" for r in self.rate_limits):
            raise ValueError("a REQUEST_WEIGHT rate limit is required")
