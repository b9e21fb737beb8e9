"""The metrics plugin inside a real runtime trading the simulated venue."""

from __future__ import annotations

from pathlib import Path

from engine.bus import EventBus
from engine.control import PluginContext
from engine.venues.sim import SimVenue
from monitoring.plugin import SUBSCRIBER
from monitoring.plugin import MetricsPlugin
from monitoring.plugin import create
from tests.engine.runtime.conftest import until
from tests.engine.runtime.conftest import until_async
from tests.kit.sim import started_sim
from tests.monitoring.conftest import Bot
from tests.monitoring.conftest import TelegramStandIn
from tests.monitoring.conftest import start_bot
from tests.monitoring.conftest import value
from tests.monitoring.tools import promtool_check_metrics


def test_the_entry_point_factory_makes_a_fresh_plugin() -> None:
    a, b = create(), create()
    assert isinstance(a, MetricsPlugin) and a.name == "metrics"
    assert a.registry is not b.registry


async def test_metrics_are_served_and_pass_promtool(bot: Bot) -> None:
    content_type, text = await bot.scrape()
    assert content_type.startswith("text/plain")
    checked = promtool_check_metrics(text)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # Asked for OpenMetrics first (as Prometheus asks), it still answers 0.0.4 text,
    # which every Prometheus reads: the sliced encoder writes only that format.
    om_type, om_text = await bot.scrape(
        "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4"
    )
    assert om_type == "text/plain; version=0.0.4; charset=utf-8"
    assert "scalpbot_build_info{" in om_text


async def test_the_scrape_reflects_the_running_engine(bot: Bot, telegram: TelegramStandIn) -> None:
    rt = bot.runtime
    assert rt.core is not None and rt.live is not None
    await until(lambda: rt.live is not None and rt.live.ack_to_fill.count > 0, 30, "a fill")
    await until(lambda: bot.plugin.lag.hist.count > 0, 5, "a loop lag sample")
    s = await bot.samples()
    snap = rt.control.snapshot() if rt.control else None
    assert snap is not None
    venue = snap.venue
    assert value(s, "scalpbot_ready", venue=venue) == 1
    assert value(s, "scalpbot_feed_connected", venue=venue) == 1
    assert value(s, "scalpbot_trading_state", state="active") == 1
    info = value(s, "scalpbot_build_info", run_id=rt.run_id, venue=venue, version="0.1.0")
    assert info == 1
    symbols = {dict(k[1])["symbol"] for k in s if k[0] == "scalpbot_symbol_stale"}
    assert symbols == set(rt.core.symbols)
    fills = sum(v for (n, _), v in s.items() if n == "scalpbot_fills_total")
    assert fills >= 1
    slipped = sum(
        v
        for (n, ls), v in s.items()
        if n == "scalpbot_fill_slippage_bps_bucket" and ("le", "+Inf") in ls
    )
    assert slipped >= 1
    assert value(s, "scalpbot_tick_to_trade_seconds_count") >= 1
    assert value(s, "scalpbot_order_ack_to_fill_seconds_count") >= 1
    assert value(s, "scalpbot_event_loop_lag_seconds_count") >= 1
    assert value(s, "scalpbot_telegram_outbox_depth") == telegram.numbers["outbox_depth"]
    assert value(s, "scalpbot_telegram_messages_sent_total") == telegram.numbers["sent_total"]
    telegram.numbers["outbox_depth"] = 12.0
    assert value(await bot.samples(), "scalpbot_telegram_outbox_depth") == 12
    assert SUBSCRIBER not in rt.bus.failures


async def test_two_runtimes_in_one_process_keep_separate_registries(
    bot: Bot, tmp_path: Path
) -> None:
    async with started_sim(None, 3, 50.0) as other_venue:
        other = await start_bot(other_venue, tmp_path / "other")
        try:
            assert other.plugin.registry is not bot.plugin.registry
            mine, theirs = await bot.samples(), await other.samples()
            value(mine, "scalpbot_build_info", run_id=bot.runtime.run_id)
            value(theirs, "scalpbot_build_info", run_id=other.runtime.run_id)
            runs = {dict(k[1])["run_id"] for k in theirs if k[0] == "scalpbot_build_info"}
            assert runs == {other.runtime.run_id}
        finally:
            assert await other.run.stop() == 0


async def test_stop_unsubscribes_and_stops_sampling(bot: Bot) -> None:
    plugin = bot.plugin
    await plugin.stop()
    bus = bot.runtime.bus
    assert all(name != SUBSCRIBER for name, _ in bus._subs)
    assert plugin.lag._task is None
    await plugin.stop()  # idempotent; the runtime stops it again at shutdown


async def test_without_an_http_server_nothing_is_served_or_subscribed() -> None:
    bus = EventBus()
    ctx = PluginContext(None, bus, None, {}, {}, lambda c, n: None, {"venue": "sim"})  # type: ignore[arg-type]
    plugin = create()
    await plugin.start(ctx)
    assert bus._subs == [] and plugin.lag._task is None
    await plugin.stop()


async def test_the_loop_lag_interval_can_be_set(
    venue: SimVenue, tmp_path: Path, only_our_plugins: None
) -> None:
    settings = {"metrics": {"loop_lag_interval_s": 0.02}}
    started = await start_bot(venue, tmp_path, plugin_settings=settings)
    try:
        assert started.plugin.lag.interval == 0.02

        async def sampled() -> bool:
            s = await started.samples()
            return value(s, "scalpbot_event_loop_lag_seconds_count") >= 20

        await until_async(sampled, 10, "loop lag samples")
    finally:
        assert await started.run.stop() == 0
