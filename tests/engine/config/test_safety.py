"""Unsafe combinations refuse to start, each with a one-line error naming the key."""

from __future__ import annotations

import pytest

from engine.config import ConfigError
from engine.config.safety import is_live_url
from tests.engine.config.conftest import ALPACA_ENV
from tests.engine.config.conftest import Load
from tests.engine.config.conftest import alpaca

SESSION = '[[schedule.sessions]]\nname = "{name}"\nopen = "{open}"\nclose = "{close}"\n'
USERS = 'allowed_users = [{id = 42, role = "admin"}]'


def risk_off(limit: str, default: int) -> tuple[str, str]:
    """The Alpaca config with the risk ``limit`` (set to ``default`` there) turned off
    (0), and the key the error must name."""
    return alpaca().replace(f"{limit} = {default}", f"{limit} = 0"), f"risk.{limit}"


UNSAFE = [
    # (why, toml, key)
    ("live Alpaca URL without allow_live",
     alpaca('url = "https://api.alpaca.markets"'), "venue.url"),
    ("unknown Alpaca host counts as live",
     alpaca('url = "https://alpaca.example.com"'), "venue.url"),
    ("a loopback Alpaca URL counts as live",
     alpaca('url = "http://127.0.0.1:8080"'), "venue.url"),
    ("a data URL not at Alpaca's market data",
     alpaca('data_url = "wss://stream.example.com"'), "venue.data_url"),
    ("sim kind with a data URL at Alpaca",
     '[venue]\ndata_url = "wss://stream.data.alpaca.markets"', "venue.data_url"),
    ("plain http to a remote Alpaca paper host",
     alpaca('url = "http://paper-api.alpaca.markets"'), "venue.url"),
    ("plain ws data stream to a remote host",
     alpaca('data_url = "ws://stream.data.alpaca.markets"'), "venue.data_url"),
    ("live with limits inherited from defaults",
     '[venue]\nkind = "alpaca"\nallow_live = true\nurl = "https://api.alpaca.markets"',
     "risk.daily_loss_limit"),
    ("sim kind pointed at Alpaca",
     '[venue]\nurl = "https://api.alpaca.markets"', "venue.url"),
    ("real venue without a daily loss limit", *risk_off("daily_loss_limit", 500)),
    ("real venue without an order notional limit", *risk_off("max_order_notional", 2000)),
    ("real venue without a stale-quote guard", *risk_off("max_quote_age_ms", 3000)),
    ("real venue without an order rate limit", *risk_off("max_orders_per_window_total", 10)),
    ("telegram enabled with an empty allow-list",
     "[telegram]\nenabled = true", "telegram.allowed_users"),
    ("telegram user listed twice",
     '[telegram]\nallowed_users = [{id = 1, role = "admin"}, {id = 1, role = "viewer"}]',
     "telegram.allowed_users"),
    ("flatten on shutdown without cancelling orders",
     "[shutdown]\nflatten = true\ncancel_orders = false", "shutdown.cancel_orders"),
    ("http beyond loopback without allow_remote",
     '[http]\nlisten = "0.0.0.0:9108"', "http.listen"),
    ("session close before open",
     SESSION.format(name="a", open="16:00", close="09:30"), "schedule.sessions[0].close"),
    ("session close equal to open",
     SESSION.format(name="a", open="09:30", close="09:30"), "schedule.sessions[0].close"),
    ("session time out of range",
     SESSION.format(name="a", open="09:30", close="24:00"), "schedule.sessions[0].close"),
    ("sessions with the same name",
     SESSION.format(name="a", open="09:00", close="10:00")
     + SESSION.format(name="a", open="11:00", close="12:00"), "schedule.sessions"),
    ("overlapping sessions for the same symbols",
     SESSION.format(name="a", open="09:00", close="11:00")
     + SESSION.format(name="b", open="10:00", close="12:00"), "schedule.sessions"),
    ("flatten window as long as the session",
     "[schedule]\nflatten_before_close_min = 60\n"
     + SESSION.format(name="a", open="09:00", close="10:00"),
     "schedule.flatten_before_close_min"),
    ("a time zone that does not exist",
     '[schedule]\ntimezone = "Mars/Olympus"', "schedule.timezone"),
    ("no periodic reconciliation",
     "[schedule]\nreconcile_interval_s = 0", "schedule.reconcile_interval_s"),
    ("a bad digest time",
     '[schedule]\ndigest_time = "5pm"', "schedule.digest_time"),
    ("an unknown day",
     SESSION.format(name="a", open="09:00", close="10:00") + 'days = ["funday"]',
     "schedule.sessions[0].days[0]"),
    ("session symbols not traded by the strategy",
     '[strategy]\nsymbols = ["AAPL"]\n'
     + SESSION.format(name="a", open="09:00", close="10:00") + 'symbols = ["MSFT"]',
     "schedule.sessions[0].symbols"),
    ("strategy symbols the embedded sim does not offer",
     '[sim]\nsymbols = ["AAA", "BBB"]\n[strategy]\nsymbols = ["CCC"]', "strategy.symbols"),
    ("unknown strategy", '[strategy]\nname = "yolo"', "strategy.name"),
    ("database password in the url",
     '[store]\nurl = "postgresql+asyncpg://bot:pw@db/scalpbot"', "store.url"),
]  # fmt: skip


@pytest.mark.parametrize(("why", "text", "key"), UNSAFE, ids=[u[0] for u in UNSAFE])
def test_unsafe_combinations_are_refused(load: Load, why: str, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        load(text, ALPACA_ENV)
    assert info.value.key == key, str(info.value)
    assert "\n" not in str(info.value)


def test_safe_variants_load(load: Load) -> None:
    live = alpaca('allow_live = true\nurl = "https://api.alpaca.markets"')
    assert load(live, ALPACA_ENV).venue.allow_live
    # a loopback Alpaca URL (a local proxy or fake) is live: allowed, with allow_live
    assert load(alpaca('allow_live = true\nurl = "http://127.0.0.1:8080"'), ALPACA_ENV)
    assert load('[venue]\nurl = "http://127.0.0.1:8080"').venue.url  # a simulator by URL
    assert load("[telegram]\nenabled = true\n" + USERS, {"TELEGRAM_BOT_TOKEN": "123:abc"})
    assert load('[http]\nlisten = "0.0.0.0:9108"\nallow_remote = true').http.port == 9108
    assert load("[shutdown]\nflatten = true").shutdown.flatten
    two = (
        SESSION.format(name="a", open="09:00", close="11:00")
        + 'symbols = ["AAPL"]\n'
        + SESSION.format(name="b", open="10:00", close="12:00")
        + 'symbols = ["MSFT"]'
    )
    assert len(load(two).schedule.sessions) == 2  # overlap on disjoint symbols is fine
    back_to_back = SESSION.format(name="a", open="09:00", close="10:00") + SESSION.format(
        name="b", open="10:00", close="11:00"
    )
    assert len(load(back_to_back).schedule.sessions) == 2


@pytest.mark.parametrize(
    ("url", "live"),
    [
        ("https://paper-api.alpaca.markets", False),
        ("https://PAPER-API.alpaca.markets/v2", False),
        ("http://127.0.0.1:9000", True),  # a loopback proxy may lead to a live account
        ("http://localhost:9000", True),
        ("http://[::1]:9000", True),
        ("https://api.alpaca.markets", True),
        ("https://paper-api.alpaca.markets.evil.example", True),
        ("https://10.0.0.5", True),
    ],
)
def test_what_counts_as_live(url: str, live: bool) -> None:
    assert is_live_url(url) is live
