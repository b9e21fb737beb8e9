"""The python-telegram-bot ``Application``, run inside the engine's event loop.

No thread and no second loop: ``initialize``, ``start`` and
``updater.start_polling`` are awaited in a background task of the engine's loop,
retried with backoff while Telegram is unreachable, so neither a slow nor a
dead Bot API ever holds up the runtime's start. Long polling by default; with a
webhook URL, updates arrive on a route of the runtime's HTTP server instead,
checked against the ``secret_token``.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import random
import time
from typing import Any

from aiohttp import web
from telegram import BotCommand
from telegram import BotCommandScopeChat
from telegram import Update
from telegram.error import InvalidToken
from telegram.error import TelegramError
from telegram.ext import Application
from telegram.ext import ApplicationBuilder
from telegram.ext import CallbackQueryHandler
from telegram.ext import CommandHandler
from telegram.ext import MessageHandler
from telegram.ext import TypeHandler
from telegram.ext import filters

from bot.auth import Gate
from bot.dispatch import Dispatcher
from bot.outbox import Outbox
from bot.registry import Registry
from bot.sender import PtbSender
from bot.settings import BotSettings
from bot.settings import SettingsError

log = logging.getLogger("scalpbot.telegram")

PtbApp = Application[Any, Any, Any, Any, Any, Any]
UPDATES = ["message", "callback_query"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
REFUSED_LOG_INTERVAL_S = 60.0  # at most one "webhook refused" line per interval


def build_application(
    settings: BotSettings, registry: Registry, gate: Gate, dispatcher: Dispatcher
) -> PtbApp:
    """The PTB application with the gate first and one handler per registered command."""
    t = settings.request_timeout_s
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .concurrent_updates(True)
        .job_queue(None)
        .connect_timeout(t)
        .read_timeout(t)
        .write_timeout(t)
        .pool_timeout(t)
        .get_updates_connect_timeout(t)
        .get_updates_read_timeout(t)
        .get_updates_write_timeout(t)
        .get_updates_pool_timeout(t)
    )
    if settings.base_url and settings.base_file_url:
        builder = builder.base_url(settings.base_url).base_file_url(settings.base_file_url)
    if settings.webhook is not None:
        builder = builder.updater(None)
    app: PtbApp = builder.build()
    app.add_handler(TypeHandler(Update, gate, block=True), group=-1)
    for command in registry.commands:
        app.add_handler(CommandHandler(command.name, dispatcher.handler_for(command)), group=0)
    app.add_handler(MessageHandler(filters.COMMAND, dispatcher.on_unknown), group=0)
    app.add_handler(CallbackQueryHandler(dispatcher.on_button), group=0)
    app.add_error_handler(dispatcher.on_error)
    return app


class TelegramApp:
    """Connects (and reconnects) the application; never blocks the caller."""

    def __init__(
        self,
        settings: BotSettings,
        app: PtbApp,
        registry: Registry,
        outbox: Outbox,
        http_app: web.Application | None,
    ) -> None:
        self._s = settings
        self.app = app
        self._registry = registry
        self._outbox = outbox
        self._rng = random.Random()
        self.connected = asyncio.Event()
        self._last_poll_error = 0.0
        # Webhook requests refused for a wrong or missing secret: counted, logged at most
        # once per REFUSED_LOG_INTERVAL_S with the count (never the guessed value).
        self.webhook_refused = 0
        self._refused_logged = 0
        self._refused_log_at = -REFUSED_LOG_INTERVAL_S
        self._refused_flush: asyncio.TimerHandle | None = None
        self._last_refused_from = "?"
        if settings.webhook is not None:
            self._add_webhook_route(http_app)

    @property
    def username(self) -> str:
        bot = self.app.bot
        return bot.username if self.connected.is_set() else ""

    def _add_webhook_route(self, http_app: web.Application | None) -> None:
        hook = self._s.webhook
        assert hook is not None
        if http_app is None or http_app.frozen:
            raise SettingsError("webhook mode needs the runtime's HTTP server (http.listen)")

        async def on_webhook(request: web.Request) -> web.Response:
            return await self._on_webhook(request)

        # It checks Telegram's secret-token header itself; Telegram cannot send the
        # HTTP server's bearer token, so the server does not ask it of this route.
        on_webhook.self_authenticated = True  # type: ignore[attr-defined]
        http_app.router.add_post(hook.path, on_webhook)

    async def _on_webhook(self, request: web.Request) -> web.Response:
        hook = self._s.webhook
        assert hook is not None
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), hook.secret_token.encode()):
            self._refused(request.remote)
            return web.Response(status=403)
        if not self.connected.is_set():
            return web.Response(status=503)  # Telegram retries later
        try:
            body = await request.json()
        except ValueError:
            return web.Response(status=400)
        update_id = body.get("update_id") if isinstance(body, dict) else None
        if type(update_id) is not int:
            log.info("telegram webhook: a body that is not an update refused (400)")
            return web.Response(status=400)
        try:
            update = Update.de_json(body, self.app.bot)
        except Exception:  # any malformed field: the sender gets 400, the log no traceback
            log.info("telegram webhook: update %d is malformed, refused (400)", update_id)
            return web.Response(status=400)
        await self.app.update_queue.put(update)
        return web.Response()

    def _refused(self, remote: str | None) -> None:
        """Count a request with a wrong or missing secret; log at most one line a minute."""
        self.webhook_refused += 1
        self._last_refused_from = remote or "?"
        wait = self._refused_log_at + REFUSED_LOG_INTERVAL_S - time.monotonic()
        if wait <= 0:
            self._log_refused()
        elif self._refused_flush is None:
            loop = asyncio.get_running_loop()
            self._refused_flush = loop.call_later(wait, self._log_refused)

    def _log_refused(self) -> None:
        self._refused_flush = None
        new = self.webhook_refused - self._refused_logged
        if not new:
            return
        self._refused_logged, self._refused_log_at = self.webhook_refused, time.monotonic()
        log.warning(
            "telegram webhook: %d request(s) refused for a wrong or missing secret token"
            " (%d since start, the last from %s); at most one such line a minute",
            new,
            self.webhook_refused,
            self._last_refused_from,
        )

    # -- connecting ----------------------------------------------------------------------

    async def connect(self) -> None:
        """Keep trying until connected (backoff with jitter), then publish the menus."""
        delay = 1.0
        while True:
            try:
                await self._connect_once()
                break
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                level = logging.ERROR if isinstance(exc, InvalidToken) else logging.WARNING
                log.log(
                    level,
                    "telegram unreachable (%s): retrying in %.0f s; trading is not affected",
                    self._scrub(exc),
                    delay,
                )
                await asyncio.sleep(delay * self._rng.uniform(0.8, 1.2))
                delay = min(delay * 2, self._s.reconnect_max_s)
        log.info("telegram connected as @%s", self.app.bot.username)
        await self._publish_menus()

    async def _connect_once(self) -> None:
        app = self.app
        await app.initialize()  # getMe; a no-op once it has succeeded
        self._outbox.attach(PtbSender(app.bot, self._s.token))
        self.connected.set()
        if not app.running:
            await app.start()
        hook = self._s.webhook
        if hook is not None:
            await app.bot.set_webhook(
                hook.url, secret_token=hook.secret_token, allowed_updates=UPDATES
            )
        elif app.updater is not None and not app.updater.running:
            await app.updater.start_polling(
                timeout=int(self._s.poll_timeout_s),
                allowed_updates=UPDATES,
                error_callback=self._on_poll_error,
            )

    async def _publish_menus(self) -> None:
        """setMyCommands per allowed user's private chat, with the commands of their role."""
        bot = self.app.bot
        for attempt in range(5):
            failed = False
            try:
                await bot.delete_my_commands()
            except TelegramError as exc:
                failed = True
                log.info("could not clear the default command menu: %s", self._scrub(exc))
            for uid, role in self._s.users.items():
                menu = [BotCommand(name, text) for name, text in self._registry.menu(role)]
                try:
                    await bot.set_my_commands(menu, scope=BotCommandScopeChat(uid))
                except TelegramError as exc:
                    failed = True
                    log.info("no command menu for user %s yet: %s", uid, self._scrub(exc))
            if not failed:
                return
            await asyncio.sleep(2.0 * 2**attempt)

    def _on_poll_error(self, exc: TelegramError) -> None:
        loop = asyncio.get_running_loop()
        if loop.time() - self._last_poll_error > 60:
            self._last_poll_error = loop.time()
            log.warning("telegram polling failed (%s): PTB retries", self._scrub(exc))

    def _scrub(self, exc: BaseException) -> str:
        return f"{type(exc).__name__}: {exc}".replace(self._s.token, "***")

    # -- stopping ------------------------------------------------------------------------

    async def stop(self) -> None:
        if self._refused_flush is not None:
            self._refused_flush.cancel()
            self._log_refused()
        app = self.app
        self._outbox.attach(None)
        try:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            await app.shutdown()
        finally:
            await app.bot.shutdown()  # also when initialize never succeeded
