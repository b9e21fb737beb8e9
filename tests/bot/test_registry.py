"""The one registry: every command declared once, with its role, arguments and help."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.commands import build_registry
from bot.registry import Arg
from bot.registry import Command
from bot.registry import Registry
from bot.registry import Reply
from bot.registry import UsageError
from bot.registry import parse_args
from bot.settings import Role

SYMBOLS = ["AAPL", "MSFT"]
REGISTRY = build_registry()
EXPECTED = {
    Role.VIEWER: {"status", "pnl", "positions", "orders", "trades", "chart", "health", "limits",
                  "alerts", "whoami", "help", "start"},
    Role.TRADER: {"pause", "resume", "resize", "flatten", "kill"},
    Role.ADMIN: {"setlimit", "reset", "audit"},
}  # fmt: skip
CONFIRMED = {"resume", "resize", "flatten", "kill", "setlimit", "reset"}


def cmd(name: str) -> Command:
    command = REGISTRY.get(name)
    assert command is not None
    return command


def test_every_command_of_the_issue_is_registered_with_its_role() -> None:
    for role, names in EXPECTED.items():
        assert {c.name for c in REGISTRY.commands if c.role is role} == names
    assert {c.name for c in REGISTRY.commands if c.needs_confirmation} == CONFIRMED


def test_menus_and_help_grow_with_the_role() -> None:
    viewer, trader, admin = (set(dict(REGISTRY.menu(r))) for r in Role)
    assert viewer == EXPECTED[Role.VIEWER] - {"start"}  # /start works but is not listed
    assert trader == viewer | EXPECTED[Role.TRADER]
    assert admin == trader | EXPECTED[Role.ADMIN]
    text = REGISTRY.help_text(Role.TRADER)
    assert "/kill" in text and "/setlimit" not in text
    assert "&lt;symbol|all&gt; &lt;factor&gt;" in text  # usage is escaped


def test_names_and_help_respect_the_bot_api() -> None:
    async def run(_: object) -> Reply:
        return Reply("x")

    with pytest.raises(ValueError):
        Registry([Command("Bad-Name", Role.VIEWER, "help text", run)])
    with pytest.raises(ValueError):
        Registry([Command("a", Role.VIEWER, "help", run), Command("a", Role.VIEWER, "help", run)])
    for name, text in REGISTRY.menu(Role.ADMIN):
        assert 1 <= len(name) <= 32 and 3 <= len(text) <= 256


@pytest.mark.parametrize(
    ("name", "words", "expected"),
    [
        ("pnl", [], {"period": "day"}),
        ("pnl", ["WEEK"], {"period": "week"}),
        ("trades", ["5"], {"n": 5}),
        ("pause", [], {"scope": "all"}),
        ("pause", ["aapl"], {"scope": "AAPL"}),
        ("pause", ["All"], {"scope": "all"}),
        ("resize", ["msft", "0.5"], {"scope": "MSFT", "factor": 0.5}),
        ("setlimit", ["max_spread_bps", "30"], {"name": "max_spread_bps", "value": "30"}),
        ("alerts", [], {"level": None}),
        ("reset", [], {"name": "all"}),
    ],
)
def test_arguments_parse(name: str, words: list[str], expected: dict[str, object]) -> None:
    assert parse_args(cmd(name), words, SYMBOLS) == expected


@pytest.mark.parametrize(
    ("name", "words", "message"),
    [
        ("pnl", ["year"], "period must be one of day, week, month"),
        ("trades", ["abc"], "n must be a number"),
        ("trades", ["0"], "n must be at least 1"),
        ("trades", ["51"], "n must be at most 50"),
        ("trades", ["1", "2"], "too many arguments"),
        ("resize", ["AAPL"], "missing factor"),
        ("resize", ["AAPL", "nan"], "factor must be a finite number"),
        ("pause", ["TSLA"], "unknown symbol 'TSLA'"),
        ("setlimit", ["x"], "missing value"),
        ("status", ["now"], "too many arguments"),
    ],
)
def test_bad_arguments_give_one_line(name: str, words: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_args(cmd(name), words, SYMBOLS)


def test_usage_lines() -> None:
    assert cmd("resize").usage() == "/resize <symbol|all> <factor>"
    assert cmd("pnl").usage() == "/pnl [day|week|month]"
    assert Arg("n", "int").usage() == "[n]"


def test_the_docs_list_every_listed_command() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "telegram.md").read_text()
    for command in REGISTRY.commands:
        if command.listed:
            assert f"`{command.usage().replace('|', chr(92) + '|')}`" in docs, command.name
