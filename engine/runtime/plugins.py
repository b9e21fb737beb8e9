"""The runtime's plugin host: starts the enabled plugins, keeps their tasks, stops them.

Each plugin gets its own :class:`~engine.control.plugins.PluginContext` (its own
settings and secrets only). A plugin that fails to load or start is logged and
left out: the bot runs without it. Plugins' tasks are kept, their failures
logged, and cancelled at close; they are not venue calls (flatten, kill and
shutdown never wait for them).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from collections.abc import Coroutine
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from engine import __version__
from engine.bus import EventBus
from engine.control import Control
from engine.control import plugins as entry_points
from engine.control.plugins import Plugin
from engine.control.plugins import PluginContext
from engine.runtime.options import PluginOptions

log = logging.getLogger("scalpbot.runtime")

START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 10


class PluginHost:
    """The plugins started for one run, in start order, and their tasks."""

    def __init__(self) -> None:
        self.plugins: list[Plugin] = []
        self.tasks: set[asyncio.Task[None]] = set()

    async def start(
        self,
        enabled: tuple[str, ...],
        context: Callable[[str, Callable[[Coroutine[Any, Any, None], str], None]], PluginContext],
    ) -> None:
        """Start each enabled plugin with the context ``context(name, spawn)`` builds."""
        # Looked up at call time: tests replace engine.control.plugins.discover.
        for name, load in entry_points.discover(enabled):
            if name not in enabled:
                continue
            if isinstance(load, str):
                log.error("plugin %s left out: %s", name, load)
                continue
            try:
                plugin = load()()
                await asyncio.wait_for(plugin.start(context(name, self.spawn)), START_TIMEOUT_S)
            except Exception:
                log.exception("plugin %s failed to start: running without it", name)
                continue
            self.plugins.append(plugin)
            log.info("plugin %s started", plugin.name)

    def spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        """A plugin's own task: kept until done, its failure logged."""
        task = asyncio.get_running_loop().create_task(coro, name=f"plugin {name}")
        self.tasks.add(task)

        def done(t: asyncio.Task[None]) -> None:
            self.tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                log.error("plugin task %s failed", name, exc_info=t.exception())

        task.add_done_callback(done)

    async def close(self) -> None:
        """Stop the plugins (last started first), then cancel what they left running."""
        for plugin in reversed(self.plugins):
            try:
                await asyncio.wait_for(plugin.stop(), STOP_TIMEOUT_S)
            except Exception:
                log.exception("plugin %s did not stop cleanly", plugin.name)
        self.plugins.clear()
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)


def plugin_context_factory(
    control: Control,
    bus: EventBus,
    http_app: web.Application | None,
    info: Mapping[str, str],
    plugins: PluginOptions,
) -> Callable[[str, Callable[[Coroutine[Any, Any, None], str], None]], PluginContext]:
    """Builds each plugin's context; ``board`` is shared: numbers plugins publish for each
    other (no secrets)."""
    board: dict[str, Callable[[], Mapping[str, float]]] = {}

    def context(
        name: str, spawn: Callable[[Coroutine[Any, Any, None], str], None]
    ) -> PluginContext:
        return PluginContext(
            control,
            bus,
            http_app,
            plugins.settings.get(name) or {},
            plugins.secrets.get(name) or {},
            spawn,
            info,
            board,
        )

    return context


def plugin_info(run_id: str, venue: str, config_hash: str) -> dict[str, str]:
    return {"version": __version__, "run_id": run_id, "venue": venue, "config_hash": config_hash}
