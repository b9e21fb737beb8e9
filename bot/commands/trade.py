"""Commands that change trading (trader): pause, resume, resize, flatten, kill.

Everything but /pause (the safe direction) asks for confirmation first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.registry import Arg
from bot.registry import Call
from bot.registry import Command
from bot.registry import Reply
from bot.render import esc
from bot.render import render_action
from bot.render import render_flatten
from bot.render import render_kill
from bot.settings import Role


def _where(scope: str) -> str:
    return "all symbols" if scope == "all" else scope


async def pause(call: Call) -> Reply:
    result = await call.svc.control.pause(call.args["scope"], call.actor)
    return Reply(render_action("pause", result))


async def resume(call: Call) -> Reply:
    result = await call.svc.control.resume(call.args["scope"], call.actor)
    return Reply(render_action("resume", result))


async def resize(call: Call) -> Reply:
    result = await call.svc.control.resize(call.args["scope"], call.args["factor"], call.actor)
    return Reply(render_action("resize", result))


async def flatten(call: Call) -> Reply:
    return Reply(render_flatten(await call.svc.control.flatten(call.args["scope"], call.actor)))


async def kill(call: Call) -> Reply:
    return Reply(render_kill(await call.svc.control.kill(call.actor)))


def _resume_prompt(a: Mapping[str, Any]) -> str:
    return f"Resume trading for <b>{esc(_where(a['scope']))}</b>? New entries will be allowed."


def _resize_prompt(a: Mapping[str, Any]) -> str:
    return f"Resize <b>{esc(_where(a['scope']))}</b> to x{a['factor']:g} of the base order size?"


def _flatten_prompt(a: Mapping[str, Any]) -> str:
    return (
        f"Flatten <b>{esc(_where(a['scope']))}</b>: cancel working orders and close"
        " positions at market?"
    )


def _kill_prompt(_: Mapping[str, Any]) -> str:
    return (
        "🛑 <b>KILL</b>: halt all trading, cancel every order, close every position at"
        " market, then check the venue?"
    )


SCOPE = Arg("scope", "scope", default="all")
T = Role.TRADER
COMMANDS = (
    Command(
        "pause",
        T,
        "Stop new entries (exits still run)",
        pause,
        (SCOPE,),
        audited_by_control=True,
        protective=True,
    ),
    Command(
        "resume",
        T,
        "Allow entries again",
        resume,
        (SCOPE,),
        prompt=_resume_prompt,
        audited_by_control=True,
    ),
    Command(
        "resize",
        T,
        "Scale order size by a factor",
        resize,
        (Arg("scope", "scope", required=True), Arg("factor", "float", required=True, low=0.0)),
        prompt=_resize_prompt,
        audited_by_control=True,
    ),
    Command(
        "flatten",
        T,
        "Cancel orders and close positions at market",
        flatten,
        (SCOPE,),
        prompt=_flatten_prompt,
        audited_by_control=True,
        protective=True,
    ),
    Command(
        "kill",
        T,
        "Halt, cancel, flatten everything and verify at the venue",
        kill,
        prompt=_kill_prompt,
        audited_by_control=True,
        protective=True,
    ),
)
