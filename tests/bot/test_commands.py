"""Every command for every role, through the real PTB client, the fake Bot API and a real
engine on the simulated venue; groups, strangers, bad arguments, long and hostile output."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.settings import Role
from engine.model import TradingState
from engine.model.events import AuditRecord
from tests.bot.conftest import ADMIN
from tests.bot.conftest import GROUP
from tests.bot.conftest import STRANGER
from tests.bot.conftest import TRADER
from tests.bot.conftest import VIEWER
from tests.bot.conftest import Bot
from tests.bot.conftest import telegram_settings
from tests.bot.conftest import wait_for
from tests.engine.runtime.conftest import until_async
from tests.kit.fake_telegram import plain_text

V, T, A = Role.VIEWER, Role.TRADER, Role.ADMIN
USERS = {ADMIN: A, TRADER: T, VIEWER: V}


def shown(message: dict[str, Any]) -> str:
    return plain_text(str(message.get("text") or message.get("caption") or ""), "HTML")


def keyboard(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row]


Check = Callable[[dict[str, Any]], bool]
MATRIX: list[tuple[str, Role, Check]] = [
    ("/status", V, lambda m: "equity" in shown(m) and "SIMEQ" in shown(m)),
    ("/pnl", V, lambda m: "P&L · day" in shown(m)),
    ("/pnl month", V, lambda m: "P&L · month" in shown(m)),
    ("/positions", V, lambda m: "Positions" in shown(m) or "No open positions" in shown(m)),
    ("/orders", V, lambda m: "orders" in shown(m)),
    ("/trades 3", V, lambda m: "fills" in shown(m).lower()),
    ("/chart", V, lambda m: "photo" in m or "Not enough equity history" in shown(m)),
    ("/health", V, lambda m: "Health:" in shown(m) and "tg sent" in shown(m)),
    ("/limits", V, lambda m: "daily_loss_limit" in shown(m)),
    ("/alerts", V, lambda m: "You receive" in shown(m)),
    ("/whoami", V, lambda m: "user id" in shown(m)),
    ("/help", V, lambda m: "Commands for your role" in shown(m)),
    ("/start", V, lambda m: "Commands for your role" in shown(m)),
    ("/pause SIMLOW", T, lambda m: "pause: SIMLOW: paused" in shown(m)),
    ("/resume SIMLOW", T, lambda m: "Resume trading for SIMLOW" in shown(m) and keyboard(m)),
    ("/resize all 0.5", T, lambda m: "Resize all symbols to x0.5" in shown(m) and keyboard(m)),
    ("/flatten SIMEQ", T, lambda m: "Flatten SIMEQ" in shown(m) and keyboard(m)),
    ("/kill", T, lambda m: "KILL" in shown(m) and keyboard(m)),
    ("/setlimit max_spread_bps 20", A, lambda m: "max_spread_bps = 20" in shown(m) and keyboard(m)),
    ("/reset", A, lambda m: "No breaker is latched" in shown(m)),
    ("/audit 5", A, lambda m: "Audit" in shown(m)),
]


async def test_every_command_for_every_role(make_bot) -> None:
    bot: Bot = await make_bot(telegram_settings(refusal_interval_s=0.001))
    await bot.connected()
    wrong: list[str] = []
    for uid, role in [*USERS.items(), (STRANGER, None)]:
        for text, needed, check in MATRIX:
            (reply,) = await bot.say(uid, text)
            if role is None:
                ok = shown(reply) == "Not authorized."
            elif role < needed:
                ok = shown(reply) == f"/{text.split()[0][1:]} needs the {needed.label} role."
            else:
                ok = bool(check(reply))
            if not ok:
                wrong.append(f"{uid} {text}: {shown(reply)[:120]!r}")
    assert not wrong, "\n".join(wrong)
    records = await bot.rt.control.audit(200)
    refused = [r for r in records if r.actor == f"tg:{STRANGER}"]
    assert len(refused) == 1  # the first; the rest are summed up when the window ends
    assert refused[0].outcome.startswith("refused: not allow-listed (private chat")
    assert any(
        r.actor == f"tg:{VIEWER}" and r.outcome == "refused: needs trader, has viewer"
        for r in records
    )


async def test_menus_per_user_match_their_role(bot: Bot) -> None:
    menus = await wait_for(lambda: len(bot.fake.menus) == 3 and bot.fake.menus, what="menus")
    assert "setlimit" in menus[f"chat:{ADMIN}"] and "kill" not in menus[f"chat:{VIEWER}"]
    assert "kill" in menus[f"chat:{TRADER}"] and "setlimit" not in menus[f"chat:{TRADER}"]
    assert "default:" not in menus  # strangers get no menu


async def test_groups_go_by_the_member_not_the_chat(make_bot) -> None:
    bot: Bot = await make_bot(telegram_settings(group_chat_id=GROUP))  # the configured group
    await bot.connected()
    assert await bot.reply(STRANGER, "/status", GROUP) == "Not authorized."
    assert "SIMEQ: paused" in await bot.reply(TRADER, "/pause SIMEQ", GROUP)
    await wait_for(lambda: bot.rt.core.trading_state("SIMEQ") is TradingState.PAUSED)
    assert await bot.reply(VIEWER, "/pause", GROUP) == "/pause needs the trader role."
    assert "equity" in await bot.reply(ADMIN, "/status@scalp_test_bot", GROUP)
    before = len(bot.fake.sent)
    bot.fake.command(STRANGER, "hello everyone", GROUP)
    bot.fake.command(ADMIN, "/status@some_other_bot", GROUP)
    marker = bot.fake.command(ADMIN, "/whoami", GROUP)
    await wait_for(lambda: bot.fake.replies_to(marker))
    group_replies = [m for m in bot.fake.sent[before:] if m["chat"]["id"] == GROUP]
    assert len(group_replies) == 1  # chatter and other bots' commands get nothing
    assert "supergroup" in shown(group_replies[0])


async def test_strangers_are_refused_once_per_interval_and_audited(make_bot) -> None:
    bot: Bot = await make_bot(telegram_settings(refusal_audit_s=2))
    await bot.connected()
    events: list[AuditRecord] = []
    bot.rt.bus.subscribe("test", lambda e: isinstance(e, AuditRecord) and events.append(e))
    assert await bot.reply(STRANGER, "/kill") == "Not authorized."
    bot.fake.command(STRANGER, "/flatten all")
    bot.fake.command(STRANGER, "/status")
    await wait_for(lambda: len(events) == 2, what="the first refusal and a summary")
    assert len(bot.fake.to_chat(STRANGER)) == 1
    assert events[0].action == "/kill" and events[0].outcome.startswith("refused: not allow")
    assert events[1].action == "/flatten, /status" and "2 more in 2 s" in events[1].outcome
    assert all(e.actor == f"tg:{STRANGER}" for e in events)
    assert "equity" not in str(bot.fake.to_chat(STRANGER))


async def test_bad_arguments_get_a_one_line_usage(bot: Bot) -> None:
    cases = {
        "/trades abc": "n must be a number. Usage: /trades [n]",
        "/resize SIMEQ": "missing factor. Usage: /resize <symbol|all> <factor>",
        "/pause NOPE": "unknown symbol 'NOPE'. Usage: /pause [symbol|all]",
        "/pnl year": "period must be one of day, week, month",
        "/status now": "too many arguments",
        "/setlimit nonsense 5": "unknown limit nonsense: see /limits",
        "/frobnicate": "Unknown command. See /help.",
    }
    for text, expected in cases.items():
        reply = await bot.reply(ADMIN, text)
        assert expected in plain_text(reply, "HTML"), (text, reply)
        assert "\n" not in reply


async def test_hostile_input_is_escaped(bot: Bot) -> None:
    reply = await bot.reply(ADMIN, "/pause <b>&amp;")
    assert "unknown symbol '<b>&amp;'" in plain_text(reply, "HTML")
    assert bot.fake.count("sendmessage", 400) == 0


async def test_commands_sent_while_the_bot_was_away_are_not_run(bot: Bot) -> None:
    message = bot.fake.command(TRADER, "/pause all", age_s=900)
    (reply,) = await wait_for(lambda: bot.fake.replies_to(message))
    assert "Send it again" in shown(reply)
    assert bot.rt.core.state is TradingState.ACTIVE


async def test_long_replies_are_split_below_4096(bot: Bot) -> None:
    for i in range(100):
        bot.rt.bus.publish(AuditRecord(i, "tg:111", "setlimit", "x" * 60, "ok: " + "y" * 40))
    message = bot.fake.command(ADMIN, "/audit 100")
    (first,) = await wait_for(lambda: bot.fake.replies_to(message))

    def parts() -> list[dict[str, Any]]:
        after = [m for m in bot.fake.to_chat(ADMIN) if m["message_id"] >= first["message_id"]]
        return [m for m in after if "yyyy" in str(m.get("text"))]

    def records() -> int:
        return sum(shown(m).count("setlimit xxx") for m in parts())

    await wait_for(lambda: records() == 100, what="all 100 records")
    assert len(parts()) >= 2
    assert all(len(shown(m)) <= 4096 for m in parts())
    assert bot.fake.count("sendmessage", 400) == 0


async def test_chart_is_sent_as_a_photo(bot: Bot) -> None:
    async def history() -> bool:
        return len(await bot.rt.control.equity_history("day")) >= 2

    await until_async(history, 10, "an equity snapshot in the store")
    (reply,) = await bot.say(VIEWER, "/chart day")
    assert "photo" in reply and shown(reply).startswith("Equity")
    assert bot.fake.photos[-1].startswith(b"\x89PNG")
