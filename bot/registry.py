"""The one command registry: name, role, arguments, help. Handlers, /help and
setMyCommands are all generated from it (``bot.commands`` fills it)."""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from bot.alerts import AlertPrefs
from bot.render import esc
from bot.settings import Role
from engine.control import Control

NAME = re.compile(r"^[a-z0-9_]{1,32}$")


class UsageError(ValueError):
    """Bad arguments; the message is one short line."""


@dataclass(frozen=True, slots=True)
class Arg:
    """One positional argument: ``choice`` (one of ``choices``), ``scope`` (a symbol or
    all), ``int``, ``float`` or ``word``."""

    name: str
    kind: str = "word"
    choices: tuple[str, ...] = ()
    required: bool = False
    default: Any = None
    low: float | None = None
    high: float | None = None

    def usage(self) -> str:
        shown = "|".join(self.choices) if self.kind == "choice" else self.name
        if self.kind == "scope":
            shown = "symbol|all"
        return f"<{shown}>" if self.required else f"[{shown}]"


@dataclass(frozen=True, slots=True)
class Reply:
    text: str = ""
    photo: bytes | None = None  # sent with sendPhoto; ``text`` becomes the caption


@dataclass(slots=True)
class Services:
    """What commands may use (built once by the plugin)."""

    control: Control
    prefs: AlertPrefs
    symbols: list[str]
    telegram_stats: Callable[[], Mapping[str, float]]
    registry: Registry | None = None
    confirm_ttl_s: float = 30.0


@dataclass(frozen=True, slots=True)
class Call:
    """One command invocation, after the gate and argument parsing."""

    svc: Services
    user_id: int
    role: Role
    chat_id: int
    chat_type: str
    args: Mapping[str, Any]
    message_id: int | None = None  # the command's message (replies quote it)

    @property
    def actor(self) -> str:
        return f"tg:{self.user_id}"


Runner = Callable[[Call], Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    role: Role
    help: str
    run: Runner
    args: tuple[Arg, ...] = ()
    prompt: Callable[[Mapping[str, Any]], str] | None = None  # set: needs confirmation
    check: Callable[[Call], Awaitable[str | None]] | None = None  # before asking to confirm
    audited_by_control: bool = False  # the control API records its own audit entry
    listed: bool = True  # shown in /help and the command menus
    protective: bool = False  # reduces risk: never held back by the per-user command limit

    @property
    def needs_confirmation(self) -> bool:
        return self.prompt is not None

    def usage(self) -> str:
        return " ".join([f"/{self.name}", *(a.usage() for a in self.args)])


def parse_args(command: Command, words: Sequence[str], symbols: Iterable[str]) -> dict[str, Any]:
    """The arguments by name (defaults filled in); UsageError when they do not fit."""
    if len(words) > len(command.args):
        raise UsageError("too many arguments")
    out: dict[str, Any] = {}
    for i, arg in enumerate(command.args):
        if i >= len(words):
            if arg.required:
                raise UsageError(f"missing {arg.name}")
            out[arg.name] = arg.default
            continue
        out[arg.name] = _convert(arg, words[i], symbols)
    return out


def _convert(arg: Arg, word: str, symbols: Iterable[str]) -> Any:
    if arg.kind == "choice":
        value = word.lower()
        if value not in arg.choices:
            raise UsageError(f"{arg.name} must be one of {', '.join(arg.choices)}")
        return value
    if arg.kind == "scope":
        if word.lower() == "all":
            return "all"
        if word.upper() not in set(symbols):
            raise UsageError(f"unknown symbol {word!r}")
        return word.upper()
    if arg.kind in ("int", "float"):
        try:
            number: float = int(word) if arg.kind == "int" else float(word)
        except ValueError:
            raise UsageError(f"{arg.name} must be a number") from None
        if not math.isfinite(number):
            raise UsageError(f"{arg.name} must be a finite number")
        if arg.low is not None and number < arg.low:
            raise UsageError(f"{arg.name} must be at least {arg.low:g}")
        if arg.high is not None and number > arg.high:
            raise UsageError(f"{arg.name} must be at most {arg.high:g}")
        return number
    if not word or len(word) > 64:
        raise UsageError(f"bad {arg.name}")
    return word


@dataclass(slots=True)
class Registry:
    """Every command, in the order /help shows them."""

    commands: list[Command] = field(default_factory=list)

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for cmd in self.commands:
            if not NAME.match(cmd.name) or cmd.name in seen:
                raise ValueError(f"bad or repeated command name {cmd.name!r}")
            if not 3 <= len(cmd.help) <= 256:
                raise ValueError(f"/{cmd.name}: help must be 3-256 characters")
            seen.add(cmd.name)

    def get(self, name: str) -> Command | None:
        return next((c for c in self.commands if c.name == name), None)

    def visible(self, role: Role) -> list[Command]:
        return [c for c in self.commands if c.role <= role and c.listed]

    def menu(self, role: Role) -> list[tuple[str, str]]:
        """(command, description) pairs for setMyCommands."""
        return [(c.name, c.help) for c in self.visible(role)]

    def help_text(self, role: Role) -> str:
        lines = [f"<b>Commands for your role ({role.label})</b>"]
        for cmd in self.visible(role):
            mark = " 🔒" if cmd.needs_confirmation else ""
            lines.append(f"<code>{esc(cmd.usage())}</code>{mark}\n  {esc(cmd.help)}")
        lines.append("🔒 asks you to confirm (buttons expire).")
        return "\n".join(lines)
