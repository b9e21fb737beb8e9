"""The scrape-time collector, fed a hand-made control snapshot."""

from __future__ import annotations

import logging
from typing import Any

import msgspec
import pytest
from prometheus_client import CollectorRegistry
from prometheus_client import generate_latest
from prometheus_client.openmetrics.exposition import generate_latest as generate_openmetrics
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_om

from engine.bus import EventBus
from engine.control import HistogramView
from engine.control import SymbolTelemetry
from engine.control import TelemetrySnapshot
from monitoring.collector import ScalpbotCollector
from monitoring.event_counts import EventCounts
from monitoring.loop_lag import LoopLag
from tests.monitoring.conftest import Samples
from tests.monitoring.conftest import parse
from tests.monitoring.conftest import value
from tests.monitoring.tools import promtool_check_metrics

INF = float("inf")
EMPTY = HistogramView([(0.001, 0), (INF, 0)], 0.0, 0)


def snapshot(**changes: Any) -> TelemetrySnapshot:
    base = TelemetrySnapshot(
        venue="sim",
        ready=True,
        feed_connected=True,
        reconnects=2,
        decode_errors={"bad_price": 3, "brand_new_reason": 1},
        sanity_rejects={},
        symbols=[
            SymbolTelemetry("BTCUSD", 100, 20, 0.25, False, "active", 0.5, 30000.0, 12.5),
            SymbolTelemetry("ETHUSD", 0, 0, None, True, "paused", 0.0, 0.0, 0.0),
        ],
        state="active",
        breakers=["daily_loss"],
        equity=100_000.0,
        cash=70_000.0,
        realized_pnl=-300.0,
        unrealized_pnl=12.5,
        day_pnl=-800.0,
        drawdown=2_000.0,
        high_water_mark=102_000.0,
        gross_exposure=30_000.0,
        fees=4.5,
        tick_to_trade=HistogramView([(0.0001, 3), (0.001, 4), (INF, 5)], 0.01, 5),
        submit_to_ack=EMPTY,
        ack_to_fill=EMPTY,
        store_queue=7,
        store_rows_written=1234,
        store_errors=1,
        store_last_batch_s=0.002,
        reconcile_runs=4,
        reconcile_ok=True,
        last_reconcile_ts=1_700_000_000_000_000_000,
        pending_venue_calls=1,
        daily_loss_limit=1000.0,
    )
    return msgspec.structs.replace(base, **changes)


INFO = {"version": "0.1.0", "run_id": "abc", "venue": "sim", "config_hash": "f00d"}


def registry(
    read: Any = snapshot, stats: Any = dict, bus: EventBus | None = None
) -> tuple[CollectorRegistry, ScalpbotCollector]:
    counts = EventCounts("sim", ["BTCUSD", "ETHUSD"])
    collector = ScalpbotCollector(read, counts, LoopLag(), bus or EventBus(), stats, INFO)
    reg = CollectorRegistry(auto_describe=False)
    reg.register(collector)
    return reg, collector


def scrape(reg: CollectorRegistry) -> Samples:
    return parse(generate_latest(reg).decode())


def test_the_exposition_passes_promtool_and_openmetrics() -> None:
    reg, _ = registry()
    checked = promtool_check_metrics(generate_latest(reg).decode())
    assert checked.returncode == 0, checked.stdout + checked.stderr
    families = list(parse_om(generate_openmetrics(reg).decode()))  # strict parser
    assert {f.name for f in families} >= {"scalpbot_build", "scalpbot_fill_slippage_bps"}


def test_no_created_series() -> None:
    reg, _ = registry()
    assert b"_created" not in generate_latest(reg)
    assert b"_created" not in generate_openmetrics(reg)


def test_market_and_feed() -> None:
    s = scrape(registry()[0])
    assert value(s, "scalpbot_market_ticks_total", symbol="BTCUSD", kind="quote") == 100
    assert value(s, "scalpbot_market_ticks_total", symbol="BTCUSD", kind="trade") == 20
    assert value(s, "scalpbot_last_tick_age_seconds", symbol="BTCUSD") == 0.25
    assert not [
        k for k in s if k[0] == "scalpbot_last_tick_age_seconds" and ("symbol", "ETHUSD") in k[1]
    ]
    assert value(s, "scalpbot_symbol_stale", symbol="ETHUSD") == 1
    assert value(s, "scalpbot_feed_connected", venue="sim") == 1
    assert value(s, "scalpbot_feed_reconnects_total") == 2
    assert value(s, "scalpbot_feed_decode_errors_total", reason="bad_price") == 3
    assert value(s, "scalpbot_feed_decode_errors_total", reason="brand_new_reason") == 1
    assert value(s, "scalpbot_feed_decode_errors_total", reason="malformed_frame") == 0
    assert value(s, "scalpbot_feed_sanity_rejects_total", reason="crossed") == 0


def test_states_are_one_hot_and_breakers_flagged() -> None:
    s = scrape(registry(lambda: snapshot(breakers=["daily_loss", "custom"]))[0])
    states = {dict(k[1])["state"]: v for k, v in s.items() if k[0] == "scalpbot_trading_state"}
    assert states == {"active": 1, "paused": 0, "reducing": 0, "halted": 0}
    assert value(s, "scalpbot_symbol_trading_state", symbol="ETHUSD", state="paused") == 1
    assert value(s, "scalpbot_symbol_trading_state", symbol="ETHUSD", state="active") == 0
    tripped = {dict(k[1])["breaker"]: v for k, v in s.items() if k[0] == "scalpbot_breaker_tripped"}
    assert tripped == {"daily_loss": 1, "drawdown": 0, "loss_streak": 0, "custom": 1}


def test_account_ratios() -> None:
    s = scrape(registry()[0])
    assert value(s, "scalpbot_daily_loss_used_ratio") == pytest.approx(0.8)
    assert value(s, "scalpbot_drawdown_ratio") == pytest.approx(2000 / 102000)
    assert value(s, "scalpbot_position_quantity", symbol="BTCUSD") == 0.5
    assert value(s, "scalpbot_position_exposure", symbol="BTCUSD") == 30000
    assert value(s, "scalpbot_equity") == 100_000
    s = scrape(registry(lambda: snapshot(day_pnl=50.0, high_water_mark=0.0))[0])
    assert value(s, "scalpbot_daily_loss_used_ratio") == 0
    assert value(s, "scalpbot_drawdown_ratio") == 0
    s = scrape(registry(lambda: snapshot(daily_loss_limit=0.0))[0])
    assert value(s, "scalpbot_daily_loss_used_ratio") == 0


def test_latency_histograms_keep_the_engines_buckets() -> None:
    s = scrape(registry()[0])
    assert value(s, "scalpbot_tick_to_trade_seconds_bucket", le="0.0001") == 3
    assert value(s, "scalpbot_tick_to_trade_seconds_bucket", le="+Inf") == 5
    assert value(s, "scalpbot_tick_to_trade_seconds_count") == 5
    assert value(s, "scalpbot_tick_to_trade_seconds_sum") == 0.01


def test_store_reconcile_and_build_info() -> None:
    s = scrape(registry()[0])
    assert value(s, "scalpbot_store_queued_rows") == 7
    assert value(s, "scalpbot_store_rows_written_total") == 1234
    assert value(s, "scalpbot_store_write_errors_total") == 1
    assert value(s, "scalpbot_last_reconcile_timestamp_seconds") == 1_700_000_000
    assert value(s, "scalpbot_reconcile_ok") == 1
    assert value(s, "scalpbot_build_info", version="0.1.0", run_id="abc", config_hash="f00d") == 1


def test_telegram_numbers_come_from_the_board_or_are_zero() -> None:
    s = scrape(registry()[0])
    assert value(s, "scalpbot_telegram_outbox_depth") == 0
    assert value(s, "scalpbot_telegram_messages_sent_total") == 0
    board = {
        "telegram": {"outbox_depth": 4, "sent_total": 9, "failed_total": 1, "dropped_total": 2}
    }
    s = scrape(registry(stats=lambda: board)[0])
    assert value(s, "scalpbot_telegram_outbox_depth") == 4
    assert value(s, "scalpbot_telegram_messages_sent_total") == 9
    assert value(s, "scalpbot_telegram_messages_failed_total") == 1
    assert value(s, "scalpbot_telegram_messages_dropped_total") == 2


def test_a_failing_section_is_counted_and_the_rest_still_served(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken() -> TelemetrySnapshot:
        raise RuntimeError("engine not ready")

    def broken_board() -> dict[str, Any]:
        raise KeyError("telegram")

    reg, collector = registry(broken, broken_board)
    with caplog.at_level(logging.ERROR, "scalpbot.metrics"):
        scrape(reg)
        s = scrape(reg)
    assert value(s, "scalpbot_exporter_errors_total", section="snapshot") == 2
    assert value(s, "scalpbot_exporter_errors_total", section="telegram") == 2
    assert value(s, "scalpbot_exporter_errors_total", section="market") == 0
    assert value(s, "scalpbot_build_info") == 1
    assert value(s, "scalpbot_round_trips_total", symbol="BTCUSD", result="win") == 0
    assert not [k for k in s if k[0] == "scalpbot_equity"]
    assert len([r for r in caplog.records if "snapshot" in r.getMessage()]) == 1  # logged once
    assert collector.errors["snapshot"] == 2


def test_bus_numbers() -> None:
    bus = EventBus()
    bus.published = 42
    bus.failures = {"store": 2, "log": 1}
    s = scrape(registry(bus=bus)[0])
    assert value(s, "scalpbot_events_published_total") == 42
    assert value(s, "scalpbot_event_subscriber_failures_total") == 3
