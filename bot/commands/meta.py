"""About the chat itself: /alerts, /whoami, /help."""

from __future__ import annotations

from bot.alerts import Level
from bot.registry import Arg
from bot.registry import Call
from bot.registry import Command
from bot.registry import Reply
from bot.render import esc
from bot.render import pairs
from bot.settings import Role

LEVELS = {"on": Level.ALL, "off": Level.OFF, "critical": Level.CRITICAL}
LEVEL_TEXT = {
    Level.ALL: "all alerts",
    Level.CRITICAL: "critical alerts only",
    Level.OFF: "no alerts",
}


async def alerts(call: Call) -> Reply:
    prefs = call.svc.prefs
    choice = call.args["level"]
    if choice is None:
        level = prefs.level(call.user_id)
        return Reply(f"You receive {LEVEL_TEXT[level]}. Change with /alerts on|off|critical.")
    prefs.set(call.user_id, LEVELS[choice])
    return Reply(f"✅ You will receive {LEVEL_TEXT[LEVELS[choice]]}.")


async def whoami(call: Call) -> Reply:
    level = call.svc.prefs.level(call.user_id)
    return Reply(
        "<b>You</b>\n"
        + pairs(
            [
                ("user id", call.user_id),
                ("role", call.role.label),
                ("chat id", call.chat_id),
                ("chat", call.chat_type),
                ("alerts", level.value),
            ]
        )
    )


async def help_(call: Call) -> Reply:
    registry = call.svc.registry
    if registry is None:
        return Reply(esc("No commands."))
    return Reply(registry.help_text(call.role))


V = Role.VIEWER
COMMANDS = (
    Command(
        "alerts",
        V,
        "Your alerts: on (all), critical only, or off",
        alerts,
        (Arg("level", "choice", ("on", "off", "critical")),),
    ),
    Command("whoami", V, "Your user id, role and alert level", whoami),
    Command("help", V, "What you can do here", help_),
    Command("start", V, "Telegram's first message: the same as /help", help_, listed=False),
)
