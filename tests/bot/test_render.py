"""Rendering: pure functions from control results to phone-sized, escaped HTML."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from bot.render import MAX_MESSAGE
from bot.render import Units
from bot.render import esc
from bot.render import money
from bot.render import number
from bot.render import render_audit
from bot.render import render_flatten
from bot.render import render_health
from bot.render import render_kill
from bot.render import render_limits
from bot.render import render_orders
from bot.render import render_pnl
from bot.render import render_positions
from bot.render import render_status
from bot.render import render_trades
from bot.render import split_message
from bot.render import table
from engine.control import FlattenResult
from engine.control import HealthReport
from engine.control import KillResult
from engine.control import OrderView
from engine.control import PnlReport
from engine.control import PositionView
from engine.control import StatusReport
from engine.control import SymbolOutcome
from engine.control import SymbolStatus
from engine.control import TradeView
from engine.model import Instrument
from engine.model import Symbol
from engine.model import TradingState
from engine.model.events import AuditRecord
from tests.kit.fake_telegram import plain_text

D = Decimal


def status(**changes: object) -> StatusReport:
    base = dict(
        run_id="r1",
        ready=True,
        state=TradingState.PAUSED,
        state_actor="tg:111",
        venue="sim",
        feed_connected=True,
        symbols=[
            SymbolStatus("AAPL", TradingState.ACTIVE, 0.25, False, D("10")),
            SymbolStatus("MSFT", TradingState.PAUSED, None, True, D("-2.5")),
        ],
        equity=D("100012.346"),
        day_pnl=D("-12.3"),
        drawdown=D("40"),
        open_positions=2,
        open_orders=1,
        breakers={"daily_loss": "loss 1000 >= 1000"},
    )
    base.update(changes)
    return StatusReport(**base)  # type: ignore[arg-type]


def valid(text: str) -> str:
    """What Telegram would show; raises like the server on bad HTML or length."""
    shown = plain_text(text, "HTML")
    assert len(shown) <= MAX_MESSAGE
    return shown


def test_status_shows_state_actor_feed_equity_symbols_and_breakers() -> None:
    shown = valid(render_status(status()))
    assert "PAUSED · set by tg:111" in shown
    assert "feed up" in shown
    assert "100,012.35" in shown and "-12.30" in shown
    assert re.search(r"MSFT\s+paused\s+stale\s+-2\.5", shown)
    assert re.search(r"AAPL\s+active\s+0\.2s\s+10", shown)
    assert "daily_loss (loss 1000 >= 1000)" in shown


def test_numbers_line_up_on_the_right() -> None:
    shown = valid(table([("equity", "1,000.00"), ("day P&L", "+5.00")], right=(1,)))
    lines = shown.splitlines()
    assert len({len(line) for line in lines}) == 1  # right-aligned column: same width


def test_everything_from_outside_is_escaped() -> None:
    nasty = "<b>&evil</b>"
    s = status(state_actor=nasty, venue=nasty, breakers={nasty: nasty})
    for text in (
        render_status(s),
        render_audit([AuditRecord(0, nasty, nasty, nasty, nasty)]),
        render_flatten(FlattenResult(False, [SymbolOutcome(nasty, False, nasty)])),
        render_kill(KillResult(False, 1, 1, [nasty], [nasty], [nasty])),
        render_limits({nasty: nasty}),
    ):
        assert nasty in valid(text)  # shown literally, parsed without error
    assert esc("a<b>&c") == "a&lt;b&gt;&amp;c"


def test_pnl_positions_orders_trades_limits_health() -> None:
    assert "+1,234.50" in valid(render_pnl(PnlReport("week", 0, D("1234.5"), D(1), D(0), D(0), 3)))
    pos = [PositionView("AAPL", D("10"), D("187.25"), D("187.5"), D("2.5"), D("0"))]
    assert re.search(r"AAPL\s+10\s+187\.25\s+187\.5\s+2\.50", valid(render_positions(pos)))
    assert valid(render_positions([])) == "No open positions."
    orders = [OrderView("c1", "AAPL", "buy", D(10), D(4), "limit", D("187.1"), "accepted", 3.2)]
    assert re.search(r"AAPL\s+buy\s+4/10\s+187\.1\s+accepted\s+3\.2s", valid(render_orders(orders)))
    trades = [TradeView(1_700_000_000 * 10**9, "AAPL", "sell", D(1), D("10.5"), D("0.01"), "c")]
    assert "22:13:20" in valid(render_trades(trades))
    limits = valid(render_limits({"max_spread_bps": 25.0, "daily_loss_limit": D("1000.00")}))
    assert re.search(r"daily_loss_limit\s+1000\n", limits)
    health = HealthReport(
        True, False, ["MSFT"], 2, {}, {}, 3, 0, 0, 10, 0, True, 0, False, {"telegram": 1}
    )
    shown = valid(render_health(health, {"outbox_depth": 4.0, "sent_total": 9.0}))
    assert "ATTENTION" in shown and "DOWN" in shown and "tg outbox_depth" in shown


def test_kill_says_what_is_left() -> None:
    shown = valid(render_kill(KillResult(False, 3, 2, ["c1 AAPL new"], ["AAPL 5"], ["note"])))
    assert "still shows exposure" in shown and "c1 AAPL new" in shown and "AAPL 5" in shown
    assert "venue verified flat" in valid(render_kill(KillResult(True, 0, 0, [], [], [])))


def test_units_turn_ticks_and_lots_into_prices() -> None:
    inst = Instrument(symbol=Symbol("AAPL"), price_increment=D("0.01"), size_increment=D("1"))
    units = Units({"AAPL": inst})
    assert units.price("AAPL", 18725) == "187.25" and units.qty("AAPL", 10) == "10"
    assert units.qty("ZZZ", 3) == "3 lots"
    assert money(D("-0.004"), True) == "-0.00" and number(D("1.500")) == "1.5"


def test_long_output_is_split_below_the_limit_with_pre_blocks_balanced() -> None:
    rows = [(f"SYM{i}", f"{i * 1.5:.2f}", "x" * (i % 30)) for i in range(600)]
    text = "<b>head</b>\n" + table(rows, right=(1,)) + "\ntail"
    parts = split_message(text)
    assert len(parts) > 2
    for part in parts:
        valid(part)  # each part is valid HTML on its own, under the limit
    shown = "\n".join(plain_text(p, "HTML") for p in parts)
    assert shown.count("SYM") == 600 and shown.endswith("tail")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300), max_size=60
    ),
    st.integers(min_value=200, max_value=4000),
)
def test_split_never_exceeds_the_limit_and_keeps_every_character(
    lines: list[str], limit: int
) -> None:
    text = "<pre>" + esc("\n".join(lines)) + "</pre>" if lines else "x"
    parts = split_message(text, limit)
    assert all(len(p) <= limit for p in parts)
    joined = "".join(plain_text(p, "HTML") for p in parts)
    original = plain_text(text, "HTML")
    assert joined.replace("\n", "") == original.replace("\n", "")
