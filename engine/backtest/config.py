"""Backtest settings from ``--set key=value`` pairs.

Undotted keys are strategy parameters; dotted keys name a section:
``order.*`` (TraderConfig), ``risk.*`` (RiskLimits), ``paper.*`` (PaperConfig)
and ``account.*`` (AccountConfig). Every unknown or bad key is an error that
names it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec

from engine.core.params import ParamError
from engine.core.params import parse_params
from engine.core.risk import RiskLimits
from engine.core.strategies import strategy_factory
from engine.core.trader import TraderConfig
from engine.paper import PaperConfig


class AccountConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    cash: Decimal = Decimal(100_000)  # starting cash in the quote currency

    def __post_init__(self) -> None:
        if self.cash <= 0:
            raise ValueError(f"account.cash must be positive (got {self.cash})")


SECTIONS: dict[str, type[msgspec.Struct]] = {
    "order": TraderConfig,
    "risk": RiskLimits,
    "paper": PaperConfig,
    "account": AccountConfig,
}


class BacktestConfig(msgspec.Struct, frozen=True, kw_only=True):
    strategy: str
    strategy_params: Any
    order: TraderConfig
    risk: RiskLimits
    paper: PaperConfig
    account: AccountConfig
    raw: dict[str, str]  # the --set pairs as given, for the report


def parse_sets(pairs: list[str]) -> dict[str, str]:
    """``["a=1", "risk.x=2"]`` -> ``{"a": "1", "risk.x": "2"}``; rejects malformed pairs."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ParamError(f"--set expects key=value (got '{pair}')")
        if key in out:
            raise ParamError(f"--set gives '{key}' twice")
        out[key] = value.strip()
    return out


def build_config(strategy: str, pairs: list[str]) -> BacktestConfig:
    """Validate the strategy name and every ``--set`` pair into one frozen config."""
    cls = strategy_factory(strategy)
    raw = parse_sets(pairs)
    groups: dict[str, dict[str, str]] = {"": {}, **{name: {} for name in SECTIONS}}
    for key, value in raw.items():
        section, dot, name = key.partition(".")
        if not dot:
            groups[""][key] = value
        elif section in SECTIONS and name:
            groups[section][name] = value
        else:
            known = ", ".join(f"{s}.*" for s in SECTIONS)
            raise ParamError(f"unknown key '{key}' (sections: {known}, or a strategy parameter)")
    built = {
        name: parse_params(struct, groups[name], prefix=f"{name}.")
        for name, struct in SECTIONS.items()
    }
    return BacktestConfig(
        strategy=strategy,
        strategy_params=parse_params(cls.Params, groups[""]),
        order=built["order"],  # type: ignore[arg-type]
        risk=built["risk"],  # type: ignore[arg-type]
        paper=built["paper"],  # type: ignore[arg-type]
        account=built["account"],  # type: ignore[arg-type]
        raw=raw,
    )
