"""Two-step confirmations end to end: accept, cancel, expire, another user, double press."""

from __future__ import annotations

from typing import Any

from engine.model import TradingState
from engine.model.events import AuditRecord
from tests.bot.conftest import ADMIN
from tests.bot.conftest import GROUP
from tests.bot.conftest import TRADER
from tests.bot.conftest import Bot
from tests.bot.conftest import telegram_settings
from tests.bot.conftest import wait_for
from tests.kit.fake_telegram import plain_text


def button(message: dict[str, Any], yes: bool = True) -> str:
    (row,) = message["reply_markup"]["inline_keyboard"]
    return row[0 if yes else 1]["callback_data"]


def answers(bot: Bot) -> list[str]:
    return [a["text"] for a in bot.fake.answers]


def control_audits(bot: Bot, action: str) -> list[AuditRecord]:
    """Records the control API wrote itself (the bot's own are named after the command: /x)."""
    return [e for e in bot.audits if e.action == action]


async def started(make_bot, **settings: Any) -> Bot:
    bot: Bot = await make_bot(telegram_settings(**settings))
    bot.audits: list[AuditRecord] = []  # type: ignore[misc]
    bot.rt.bus.subscribe("test", lambda e: isinstance(e, AuditRecord) and bot.audits.append(e))
    await bot.connected()
    return bot


async def test_confirm_runs_it_once_and_edits_the_prompt(make_bot) -> None:
    bot = await started(make_bot)
    await bot.reply(TRADER, "/pause SIMEQ")
    (prompt,) = await bot.say(TRADER, "/resume SIMEQ")
    assert bot.rt.core.trading_state("SIMEQ") is TradingState.PAUSED  # nothing yet
    bot.fake.press(TRADER, prompt, button(prompt))
    text = plain_text(await bot.edited(prompt), "HTML")
    assert text.startswith("/resume SIMEQ\n✅ resume: SIMEQ: active")
    assert "reply_markup" not in bot.fake.current(prompt)  # the buttons are gone
    assert bot.rt.core.trading_state("SIMEQ") is TradingState.ACTIVE
    assert answers(bot) == ["Working…"]
    assert len(control_audits(bot, "resume")) == 1


async def test_a_double_press_executes_exactly_once(make_bot) -> None:
    bot = await started(make_bot)
    (prompt,) = await bot.say(TRADER, "/resize all 0.5")
    for _ in range(3):
        bot.fake.press(TRADER, prompt, button(prompt))
    bot.fake.press(TRADER, prompt, button(prompt, yes=False))
    await wait_for(lambda: len(bot.fake.answers) == 4, what="four answers")
    await bot.edited(prompt)
    assert sorted(answers(bot)) == sorted(["Working…"] + ["Already answered."] * 3)
    assert len(control_audits(bot, "resize")) == 1
    assert "resize: *: size x0.5" in plain_text(bot.fake.current(prompt)["text"], "HTML")


async def test_cancel_leaves_everything_as_it_was(make_bot) -> None:
    bot = await started(make_bot)
    (prompt,) = await bot.say(TRADER, "/kill")
    bot.fake.press(TRADER, prompt, button(prompt, yes=False))
    assert "Cancelled: /kill was not executed" in await bot.edited(prompt)
    assert bot.rt.core.state is TradingState.ACTIVE
    assert control_audits(bot, "kill") == []
    assert any(e.action == "/kill" and e.outcome == "cancelled" for e in bot.audits)


async def test_only_the_user_who_asked_can_answer(make_bot) -> None:
    bot = await started(make_bot, group_chat_id=GROUP)
    (prompt,) = await bot.say(TRADER, "/flatten all", GROUP)  # where others can see it
    bot.fake.press(ADMIN, prompt, button(prompt))  # even an admin
    await wait_for(lambda: bot.fake.answers, what="an answer")
    assert answers(bot) == ["Only the user who asked can answer this."]
    assert control_audits(bot, "flatten") == []
    assert any(
        e.actor == f"tg:{ADMIN}" and e.outcome.startswith("refused: confirmation")
        for e in bot.audits
    )
    bot.fake.press(TRADER, prompt, button(prompt))
    assert "flatten:" in await bot.edited(prompt)
    assert len(control_audits(bot, "flatten")) == 1


async def test_an_unanswered_prompt_expires_and_cannot_be_used_later(make_bot) -> None:
    bot = await started(make_bot, confirm_ttl_s=0.3)
    await bot.reply(TRADER, "/pause all")
    (prompt,) = await bot.say(TRADER, "/resume all")
    data = button(prompt)
    assert "Expired: /resume all was not executed" in await bot.edited(prompt)
    bot.fake.press(TRADER, prompt, data)  # a stale client still shows the button
    await wait_for(lambda: bot.fake.answers, what="an answer")
    assert answers(bot) == ["Expired: nothing was done."]
    assert bot.rt.core.state is TradingState.PAUSED
    assert control_audits(bot, "resume") == []
    assert any(e.action == "/resume" and e.outcome.startswith("expired") for e in bot.audits)


async def test_kill_reports_what_the_venue_shows(make_bot) -> None:
    bot = await started(make_bot)
    (prompt,) = await bot.say(TRADER, "/kill")
    bot.fake.press(TRADER, prompt, button(prompt))
    text = plain_text(await bot.edited(prompt, timeout=20), "HTML")
    assert "KILLED" in text and "Trading stays HALTED" in text
    assert bot.rt.core.state is TradingState.HALTED
    assert len(control_audits(bot, "kill")) == 1


async def test_admin_setlimit_and_reset_a_latched_breaker(make_bot) -> None:
    bot = await started(make_bot)
    (prompt,) = await bot.say(ADMIN, "/setlimit max_spread_bps 20")  # tighter than 25
    bot.fake.press(ADMIN, prompt, button(prompt))
    assert "setlimit: max_spread_bps = 20" in await bot.edited(prompt)
    assert bot.rt.core.risk.limits.max_spread_bps == 20
    bot.rt.core.breakers.latched["daily_loss"] = "test trip"
    (prompt,) = await bot.say(ADMIN, "/reset daily_loss")
    bot.fake.press(ADMIN, prompt, button(prompt))
    assert "reset: daily_loss: reset" in await bot.edited(prompt)
    assert not bot.rt.core.breakers.latched


async def test_a_control_error_after_confirming_is_shown_in_the_prompt(make_bot) -> None:
    bot = await started(make_bot)
    (prompt,) = await bot.say(TRADER, "/resize all 99")
    bot.fake.press(TRADER, prompt, button(prompt))
    assert "factor must be between" in await bot.edited(prompt)
    assert any(
        e.action == "/resize" and e.outcome.startswith("refused: factor") for e in bot.audits
    )
