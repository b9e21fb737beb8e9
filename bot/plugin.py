"""The Telegram plugin: how the bot joins a run (entry point ``telegram = bot.plugin:create``).

``start`` only wires things up and starts background tasks; it never waits for
Telegram. Not enabled: it does nothing. Enabled without an allow-list or a
token: it refuses (the runtime logs that and trades on without it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable
from collections.abc import Coroutine
from collections.abc import Mapping
from typing import Any

from bot import logsafe
from bot.alerts import AlertFeed
from bot.alerts import AlertPrefs
from bot.alerts import Translator
from bot.alerts import jobs_for
from bot.alerts import startup_alert
from bot.app import TelegramApp
from bot.app import build_application
from bot.auth import Gate
from bot.auth import RefusalLimiter
from bot.commands import build_registry
from bot.confirm import Confirmations
from bot.dispatch import Answers
from bot.dispatch import Dispatcher
from bot.outbox import Job
from bot.outbox import Outbox
from bot.outbox import Priority
from bot.registry import Services
from bot.render import Units
from bot.settings import BotSettings
from bot.settings import load_settings
from bot.throttle import CommandBudget
from bot.throttle import RefusalAudit
from engine.control import Control
from engine.control import PluginContext
from engine.model import Instrument
from engine.model.events import AuditRecord

log = logging.getLogger("scalpbot.telegram")


def create() -> TelegramPlugin:
    return TelegramPlugin()


def instruments_of(control: Control) -> Mapping[str, Instrument]:
    """Instruments for prices and sizes in alerts."""
    return {str(symbol): inst for symbol, inst in control.instruments().items()}


class TelegramPlugin:
    name = "telegram"

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._env = env
        self._ctx: PluginContext | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.settings: BotSettings | None = None
        self.outbox: Outbox | None = None
        self.telegram: TelegramApp | None = None
        self.feed: AlertFeed | None = None
        self.dispatcher: Dispatcher | None = None
        self._redact: logsafe.RedactToken | None = None
        self._answers = Answers()

    async def start(self, ctx: PluginContext) -> None:
        env = self._env if self._env is not None else os.environ
        settings = load_settings(ctx.settings, ctx.secret("telegram_token"), env)
        if settings is None:
            log.info("telegram not enabled")
            return
        self._redact = logsafe.guard(settings.token)
        try:
            await self._wire(ctx, settings)
        except BaseException:
            logsafe.unguard(self._redact)
            raise
        self._ctx, self.settings = ctx, settings
        assert self.outbox is not None and self.telegram is not None
        self._spawn("telegram outbox", self.outbox.run)
        self._spawn("telegram housekeeping", self._housekeeping)
        self._spawn("telegram connect", self.telegram.connect, restart=False)
        log.info("telegram starting for %d users; trading does not wait", len(settings.users))

    async def _wire(self, ctx: PluginContext, settings: BotSettings) -> None:
        """Build the parts and subscribe; nothing here talks to Telegram."""
        status = await ctx.control.status()
        registry = build_registry()
        prefs = AlertPrefs(settings.users)
        outbox = self.outbox = Outbox(settings.limits, max_age_s=settings.alert_max_age_s)
        translator = Translator(Units(instruments_of(ctx.control)))
        feed = self.feed = AlertFeed(translator, prefs, outbox.wake)
        outbox.pull = feed.drain
        symbols = [s.symbol for s in status.symbols]
        services = Services(
            ctx.control, prefs, symbols, outbox.stats, registry, settings.confirm_ttl_s
        )
        gate = Gate(
            settings.users,
            registry,
            audit=self._audit,
            reply=lambda chat, text, to: outbox.put(Job(chat, Priority.REPLY, text, reply_to=to)),
            answer=self._answers,
            bot_username=lambda: self.telegram.username if self.telegram else "",
            stale_s=settings.stale_command_s,
            limiter=RefusalLimiter(settings.refusal_interval_s),
            group_chat_id=settings.group_chat_id,
            budget=CommandBudget(settings.commands_per_minute, settings.command_burst),
            refusals=RefusalAudit(self._audit, settings.refusal_audit_s),
        )
        confirms = Confirmations(settings.confirm_ttl_s)
        self.dispatcher = Dispatcher(
            registry, services, gate, confirms, outbox, self._audit, self._answers
        )
        app = build_application(settings, registry, gate, self.dispatcher)
        self.telegram = TelegramApp(settings, app, registry, outbox, ctx.http_app)
        self._ctx = ctx
        ctx.bus.subscribe("telegram", feed)
        ctx.publish_stats("telegram", outbox.stats)
        for job in jobs_for(startup_alert(ctx.info, status.state.value, status.state_actor), prefs):
            outbox.put(job)

    def _audit(self, actor: str, action: str, args: str, outcome: str) -> None:
        if self._ctx is not None:
            self._ctx.bus.publish(AuditRecord(time.time_ns(), actor, action, args, outcome))

    async def _housekeeping(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            if self.dispatcher is not None:
                self.dispatcher.sweep()

    def _spawn(
        self, name: str, factory: Callable[[], Coroutine[Any, Any, None]], restart: bool = True
    ) -> None:
        """A named task of our own (not the runtime's venue-call set, which shutdown waits on)."""

        async def keep() -> None:
            while True:
                try:
                    await factory()
                    return
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("%s failed%s", name, ": restarting in 1 s" if restart else "")
                    if not restart:
                        return
                    await asyncio.sleep(1.0)

        self._tasks.append(asyncio.get_running_loop().create_task(keep(), name=name))

    async def stop(self) -> None:
        if self.settings is None or self._ctx is None:
            return
        self._ctx.bus.unsubscribe("telegram")
        outbox, feed = self.outbox, self.feed
        if outbox is not None and feed is not None:
            for job in feed.drain():  # "stopping"/"stopped" were published just before
                outbox.put(job)
            await outbox.flush(self.settings.flush_on_stop_s)
        await self._answers.close()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        if self.telegram is not None:
            try:
                await self.telegram.stop()
            except Exception as exc:
                log.warning("telegram did not stop cleanly: %s", type(exc).__name__)
        if outbox is not None and outbox.depth:
            log.warning("telegram: %d message(s) not sent at shutdown", outbox.depth)
        if self._redact is not None:
            logsafe.unguard(self._redact)
