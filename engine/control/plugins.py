"""The plugin port: how ``bot`` (Telegram) and ``monitoring`` (Prometheus) join a run.

The engine never imports them. They are found through the ``scalpbot.plugins``
entry-point group (see pyproject.toml), each a zero-argument factory returning a
:class:`Plugin`. Only the plugins named in ``plugins.enabled`` are loaded (an
installed package that is not named is never imported). Each gets its own
:class:`PluginContext`: the control API, the event bus, the HTTP application to
add routes to, and only its own settings and its own secrets (the metrics plugin
has none; no plugin gets the venue keys). A plugin that fails to start is logged
and left out; it never stops trading.

This is a boundary against handing secrets out, not a sandbox: a plugin is code
running in the bot's process. Enable only plugins you would run as the bot.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Coroutine
from collections.abc import Mapping
from dataclasses import InitVar
from dataclasses import dataclass
from dataclasses import field
from types import MappingProxyType
from typing import Any
from typing import Protocol

from aiohttp import web

from engine.bus import EventBus
from engine.config.plugins import loaders
from engine.control.api import Control


@dataclass(eq=False)
class PluginContext:
    """What one plugin may use. ``settings`` are that plugin's own (plain data, no
    secrets; a read-only copy); :meth:`secret` answers only that plugin's own secrets,
    which are kept apart from the fields (not an attribute, not in the repr)."""

    control: Control
    bus: EventBus
    http_app: web.Application | None
    settings: Mapping[str, Any]
    secrets: InitVar[Mapping[str, str]]
    spawn: Callable[[Coroutine[Any, Any, None], str], None]
    info: Mapping[str, str]  # version, run_id, config_hash, venue
    board: InitVar[dict[str, Callable[[], Mapping[str, float]]] | None] = None
    _secrets: dict[str, str] = field(init=False, repr=False)
    _board: dict[str, Callable[[], Mapping[str, float]]] = field(init=False, repr=False)

    def __post_init__(
        self,
        secrets: Mapping[str, str],
        board: dict[str, Callable[[], Mapping[str, float]]] | None,
    ) -> None:
        self.settings = MappingProxyType(dict(self.settings))  # read-only copy
        self._secrets = dict(secrets)  # this plugin's own; see secret()
        self._board = board if board is not None else {}

    def publish_stats(self, name: str, read: Callable[[], Mapping[str, float]]) -> None:
        """Offer numbers other plugins may read (e.g. Telegram's outbox for metrics)."""
        self._board[name] = read

    def stats(self) -> dict[str, Mapping[str, float]]:
        """Every published set of numbers, read now."""
        return {name: read() for name, read in self._board.items()}

    def secret(self, name: str) -> str | None:
        """A secret by name (e.g. ``telegram_token``); never log what this returns."""
        return self._secrets.get(name)

    def __repr__(self) -> str:
        return f"PluginContext(settings={sorted(self.settings)}, secrets=<hidden>)"


class Plugin(Protocol):
    name: str

    async def start(self, ctx: PluginContext) -> None:
        """Set up (add routes, subscribe, spawn tasks); must not block for long."""
        ...

    async def stop(self) -> None:
        """Release everything; called at shutdown, after trading stopped."""
        ...


def discover(
    enabled: tuple[str, ...] = ("telegram", "metrics"),
) -> list[tuple[str, Callable[[], Callable[[], Plugin]] | str]]:
    """(name, loader) of each enabled plugin, in order, or (name, why it cannot be
    loaded: not installed, or claimed by two packages). Nothing is imported here and
    entry points that are not enabled are never looked at; loading is left to the
    caller, so one broken plugin cannot keep the others out."""
    return loaders(enabled)
