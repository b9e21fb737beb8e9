"""Events to alerts: one text per kind, pairing exits with their P&L, coalescing outages,
and who gets what (admins and traders all, viewers critical, /alerts per user)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.alerts import AlertFeed
from bot.alerts import AlertPrefs
from bot.alerts import Level
from bot.alerts import Translator
from bot.outbox import Priority
from bot.render import Units
from bot.settings import Role
from engine.model import Instrument
from engine.model import Side
from engine.model import Symbol
from engine.model.events import FeedEvent
from engine.model.events import FeedState
from engine.model.events import SignalChanged
from tests.bot.events import EXPECTED
from tests.kit.events import B
from tests.kit.events import every_kind
from tests.kit.events import fill_event
from tests.kit.events import rejected
from tests.kit.events import round_trip
from tests.kit.fake_telegram import plain_text

INST = {
    "SIMEQ": Instrument(
        symbol=Symbol("SIMEQ"), price_increment=Decimal("0.01"), size_increment=Decimal(1)
    )
}


def translator() -> Translator:
    return Translator(Units(INST))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_alert_kind(name: str) -> None:
    alerts = translator().translate(every_kind()[name])
    assert len(alerts) == 1, alerts
    text, critical = EXPECTED[name]
    assert text in plain_text(alerts[0].text, "HTML")
    assert (alerts[0].priority is Priority.CRITICAL) == critical


def test_an_exit_fill_carries_the_pnl_of_the_trade_it_closed() -> None:
    t = translator()
    alerts = t.translate(
        [fill_event(side=Side.SELL, entry=False, position=0), round_trip(pnl=-2 * B)]
    )
    assert len(alerts) == 1 and "trade P&amp;L <b>-2.00</b>" in alerts[0].text
    lone = t.translate([round_trip(pnl=B)])
    assert "trade closed · P&amp;L <b>+1.00</b>" in lone[0].text


def test_a_flapping_feed_is_one_keyed_story() -> None:
    t = translator()
    ts = 10 * B
    events = [
        FeedEvent(ts, "market_data", FeedState.DISCONNECTED),
        FeedEvent(ts + B, "market_data", FeedState.DISCONNECTED),
        FeedEvent(ts + 3 * B, "market_data", FeedState.CONNECTED),
    ]
    alerts = t.translate(events)
    assert {a.key for a in alerts} == {"feed:market_data"}
    assert "reconnected after 3.0 s (2 drops)" in alerts[-1].text
    assert t.translate([FeedEvent(ts, "market_data", FeedState.CONNECTED)]) == []


def test_stale_then_fresh_says_how_long() -> None:
    t = translator()
    t.translate([FeedEvent(5 * B, "market_data", FeedState.STALE, "SIMEQ")])
    (fresh,) = t.translate([FeedEvent(9 * B, "market_data", FeedState.FRESH, "SIMEQ")])
    assert "fresh again (stale 4.0 s)" in fresh.text and fresh.key == "stale:SIMEQ"


def test_unknown_symbols_fall_back_to_raw_units() -> None:
    (a,) = translator().translate([fill_event(symbol="ZZZ", qty=3, price=7)])
    assert "3 lots" in a.text and "7 ticks" in a.text


def test_who_receives_what() -> None:
    prefs = AlertPrefs({1: Role.ADMIN, 2: Role.TRADER, 3: Role.VIEWER})
    assert prefs.recipients(Priority.FILL) == [1, 2]
    assert prefs.recipients(Priority.CRITICAL) == [1, 2, 3]
    prefs.set(1, Level.OFF)
    prefs.set(3, Level.ALL)
    prefs.set(2, Level.CRITICAL)
    assert prefs.recipients(Priority.INFO) == [3]
    assert prefs.recipients(Priority.CRITICAL) == [2, 3]


def test_the_bus_callback_only_keeps_what_it_needs() -> None:
    woken: list[int] = []
    prefs = AlertPrefs({1: Role.ADMIN, 3: Role.VIEWER})
    feed = AlertFeed(translator(), prefs, lambda: woken.append(1), capacity=3)
    feed(SignalChanged(0, Symbol("SIMEQ"), "s", 1))  # not an alert
    feed(rejected())
    feed(fill_event())
    assert len(woken) == 2
    jobs = feed.drain()
    assert [j.chat_id for j in jobs] == [1, 1]  # the viewer gets no fill or rejection alerts
    assert all(j.coalesce for j in jobs) and feed.drain() == []
    for _ in range(5):
        feed(fill_event())
    assert feed.overflow == 2  # bounded: counted, never blocking
