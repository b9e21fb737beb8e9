"""A Telegram outage never stops or slows trading: down or slow at start-up, a 429 storm,
5xx and time-outs while running. Orders keep being placed and filled at the venue, messages
wait (and are counted), and everything queued goes out once Telegram is back.

The tick-to-trade figures (healthy vs storm) are printed, not asserted: timing belongs to
benchmarks, the test asserts only that trading went on.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import socket
import statistics
import time
from pathlib import Path
from typing import Any

from engine.model import TradingState
from engine.model.events import FillApplied
from tests.bot.conftest import ADMIN
from tests.bot.conftest import TRADER
from tests.bot.conftest import VIEWER
from tests.bot.conftest import Bot
from tests.bot.conftest import telegram_settings
from tests.bot.conftest import wait_for
from tests.engine.runtime.conftest import until

PHASE_S = float(os.environ.get("SCALPBOT_TG_PHASE_S", "3"))


def fills_counter(bot: Bot) -> list[int]:
    count = [0]

    def on(event: Any) -> None:
        if isinstance(event, FillApplied):
            count[0] += 1

    bot.rt.bus.subscribe("test-fills", on)
    return count


async def trading_goes_on(bot: Bot, fills: list[int], seconds: float = 1.0) -> None:
    """More orders placed and more fills booked, within ``seconds`` (plus slack)."""
    orders, booked = len(bot.rt.core.orders), fills[0]
    await until(lambda: len(bot.rt.core.orders) >= orders + 3, seconds + 10, "new orders")
    await until(lambda: fills[0] >= booked + 3, seconds + 10, "new fills")


async def test_getme_failing_at_start_up_does_not_hold_the_runtime(make_bot, fake) -> None:
    fake.fail("getMe", 500)
    bot: Bot = await make_bot()
    assert bot.start_s < 1.0  # start returned without waiting for Telegram
    fills = fills_counter(bot)
    await wait_for(lambda: fake.count("getme", 500) >= 3, what="retries with backoff")
    await trading_goes_on(bot, fills)
    assert bot.rt.ready and not bot.plugin.telegram.connected.is_set()
    fake.clear_faults()
    await bot.connected()
    assert "equity" in await bot.reply(ADMIN, "/status")
    await wait_for(
        lambda: any("scalpbot test up" in str(m.get("text")) for m in fake.to_chat(VIEWER))
    )


async def test_an_unreachable_or_slow_api_at_start_up(make_bot, fake, monkeypatch) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    monkeypatch.setenv("TELEGRAM_API_URL", f"http://127.0.0.1:{dead}")
    bot: Bot = await make_bot()
    assert bot.start_s < 1.0
    fills = fills_counter(bot)
    await trading_goes_on(bot, fills)
    t0 = time.monotonic()
    await bot.plugin.stop()
    assert time.monotonic() - t0 < 5
    monkeypatch.setenv("TELEGRAM_API_URL", fake.url)
    fake.slow("getMe", 4)
    slow: Bot = await make_bot()
    assert slow.start_s < 1.0


def quantiles(samples_ns: list[int]) -> dict[str, float]:
    if len(samples_ns) < 2:
        return {"n": len(samples_ns), "p50_us": 0.0, "p99_us": 0.0}
    cuts = statistics.quantiles(samples_ns, n=100, method="inclusive")
    return {"n": len(samples_ns), "p50_us": cuts[49] / 1e3, "p99_us": cuts[98] / 1e3}


async def phase(bot: Bot, fills: list[int], seconds: float) -> dict[str, Any]:
    """Run for ``seconds``; the tick-to-trade samples and the trading done meanwhile."""
    live = bot.rt.live
    start, orders, booked = len(live.tick_to_submit_ns), len(bot.rt.core.orders), fills[0]
    hist0 = live.tick_to_trade.count
    await asyncio.sleep(seconds)  # a measurement window, not a wait for a condition
    out = quantiles(live.tick_to_submit_ns[start:])
    out.update(
        orders=len(bot.rt.core.orders) - orders,
        fills=fills[0] - booked,
        hist_p50_ms=live.tick_to_trade.quantile(0.5) * 1e3,
        observed=live.tick_to_trade.count - hist0,
    )
    return out


async def test_a_storm_while_trading(make_bot, fake, tmp_path: Path, capsys) -> None:
    bot: Bot = await make_bot(telegram_settings(request_timeout_s=1.5))
    await bot.connected()
    fills = fills_counter(bot)
    assert await bot.reply(ADMIN, "/status")
    results = {"healthy": await phase(bot, fills, PHASE_S)}

    fake.fail("*", 429, retry_after=1)  # everything, polling included
    results["429 storm"] = await phase(bot, fills, PHASE_S)
    fake.clear_faults()
    fake.fail("*", 500)
    results["500 storm"] = await phase(bot, fills, PHASE_S)
    fake.clear_faults()
    fake.slow("sendMessage", 2.5)  # past the 1.5 s request time-out
    results["time-outs"] = await phase(bot, fills, PHASE_S)
    fake.clear_faults()
    results["recovered"] = await phase(bot, fills, 1.0)

    for name, r in results.items():
        assert r["orders"] > 0 and r["fills"] > 0, f"trading stopped during {name}: {r}"
    outbox = bot.plugin.outbox
    assert outbox is not None
    await wait_for(lambda: outbox.depth == 0, 20, "the outbox to drain")
    assert outbox.stats()["dropped_total"] == 0  # delayed, not lost
    throttled = [c.ts for c in fake.calls if c.method == "sendmessage" and c.status == 429]
    assert throttled and all(b - a >= 0.95 for a, b in itertools.pairwise(throttled))
    assert "equity" in await bot.reply(ADMIN, "/status", timeout=30)

    (tmp_path / "latency.json").write_text(json.dumps(results, indent=1))
    with capsys.disabled():
        print("\ntick-to-trade (tick received -> order submitted), per phase:")
        for name, r in results.items():
            print(
                f"  {name:10} n={r['n']:4} p50={r['p50_us']:7.1f} us p99={r['p99_us']:8.1f} us"
                f"  orders={r['orders']:3} fills={r['fills']:3}"
            )


async def test_a_slow_telegram_never_delays_a_confirmed_kill(bot: Bot, fake) -> None:
    (prompt,) = await bot.say(TRADER, "/kill")
    (row,) = prompt["reply_markup"]["inline_keyboard"]
    fake.slow("answerCallbackQuery", 5)  # the button's spinner answer hangs
    fake.slow("editMessageText", 5)
    t0 = time.monotonic()
    fake.press(TRADER, prompt, row[0]["callback_data"])
    await until(lambda: bot.rt.core.state is TradingState.HALTED, 3, "the kill")
    assert time.monotonic() - t0 < 3
    fake.clear_faults()
    assert "KILLED" in await bot.edited(prompt, timeout=20)
