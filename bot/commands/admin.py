"""Admin commands: change a risk limit, reset a latched breaker, read the audit log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.registry import Arg
from bot.registry import Call
from bot.registry import Command
from bot.registry import Reply
from bot.render import esc
from bot.render import render_action
from bot.render import render_audit
from bot.settings import Role
from engine.control import ControlError

FIXED_LIMITS = frozenset({"warn_fractions"})


async def setlimit(call: Call) -> Reply:
    result = await call.svc.control.set_limit(call.args["name"], call.args["value"], call.actor)
    return Reply(render_action("setlimit", result))


async def check_limit(call: Call) -> str | None:
    """Refuse before asking for confirmation: an unknown name, or a value outside the
    bounds the configuration sets (the engine's one-line reason)."""
    names = set(await call.svc.control.limits()) - FIXED_LIMITS
    if call.args["name"] not in names:
        return f"unknown limit {esc(call.args['name'])!s}: see /limits"
    try:
        call.svc.control.check_limit(call.args["name"], call.args["value"])
    except ControlError as exc:
        return esc(exc)
    return None


async def reset(call: Call) -> Reply:
    result = await call.svc.control.reset_breaker(call.args["name"], call.actor)
    return Reply(render_action("reset", result))


async def check_reset(call: Call) -> str | None:
    latched = (await call.svc.control.status()).breakers
    name = call.args["name"]
    if not latched:
        return "No breaker is latched."
    if name != "all" and name not in latched:
        return f"{esc(name)} is not latched (latched: {esc(', '.join(latched))})"
    return None


async def audit(call: Call) -> Reply:
    return Reply(render_audit(await call.svc.control.audit(call.args["n"])))


def _setlimit_prompt(a: Mapping[str, Any]) -> str:
    return f"Set risk limit <b>{esc(a['name'])}</b> = {esc(a['value'])}?"


def _reset_prompt(a: Mapping[str, Any]) -> str:
    which = "every latched breaker" if a["name"] == "all" else f"breaker {esc(a['name'])}"
    return f"Reset {which}? The trading state stays as it is (then /resume)."


A = Role.ADMIN
COMMANDS = (
    Command(
        "setlimit",
        A,
        "Change a risk limit",
        setlimit,
        (Arg("name", required=True), Arg("value", required=True)),
        prompt=_setlimit_prompt,
        check=check_limit,
        audited_by_control=True,
    ),
    Command(
        "reset",
        A,
        "Clear a latched breaker (default: all)",
        reset,
        (Arg("name", default="all"),),
        prompt=_reset_prompt,
        check=check_reset,
        audited_by_control=True,
    ),
    Command(
        "audit",
        A,
        "Who changed what: the last n audit records",
        audit,
        (Arg("n", "int", default=20, low=1, high=100),),
    ),
)
