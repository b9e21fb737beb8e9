"""A protocol-faithful fake of the Telegram Bot API on loopback (aiohttp).

It serves ``/bot<token>/<method>`` the way the real server does for what
python-telegram-bot uses (reference/protocols.md section 3): method names are
case-insensitive; parameters come as a query string, a form-urlencoded or
multipart body (PTB) or a JSON body, and values such as ``reply_markup`` and
``commands`` are JSON-decoded from form fields. Replies use the
``{"ok":..,"result"|"error_code","description","parameters"}`` envelope with the
HTTP status equal to the error code (and ``Retry-After`` on 429).

Tests drive it: :meth:`FakeTelegram.command` and :meth:`FakeTelegram.press`
inject messages and button presses from any user, in private chats or groups;
:meth:`FakeTelegram.fail` and :meth:`FakeTelegram.slow` inject 429/403/5xx and
slow responses; everything the bot did is recorded in :attr:`calls`,
:attr:`sent`, :attr:`edits`, :attr:`answers` and :attr:`menus`.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from aiohttp import web

from tests.kit.serve import serve

JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "allowed_updates",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
    }
)
CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
DESCRIPTIONS = {
    400: "Bad Request",
    403: "Forbidden: bot was blocked by the user",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
ALLOWED_TAGS = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
        "a", "code", "pre", "blockquote", "tg-emoji",
    }
)  # fmt: skip
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z-]*)((?:\s[^<>]*)?)>")
ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    ts: float
    status: int = 200


@dataclass
class Fault:
    method: str  # lower-case method name, or "*"
    status: int  # 0: answer normally (after ``delay``)
    delay: float = 0.0
    retry_after: int = 1
    remaining: int | None = None  # None: until cleared
    description: str = ""


@dataclass
class Chat:
    id: int
    type: str
    title: str = ""

    def as_json(self) -> dict[str, Any]:
        if self.type == "private":
            return {"id": self.id, "type": "private", "first_name": f"user{self.id}"}
        return {"id": self.id, "type": self.type, "title": self.title or f"group {self.id}"}


def plain_text(text: str, parse_mode: str | None) -> str:
    """The text after entity parsing, as Telegram measures it; 400 on bad HTML."""
    if not parse_mode or parse_mode.upper() != "HTML":
        return text
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            m = TAG.match(text, i)
            name = m.group(2).lower() if m else text[i + 1 : i + 12]
            if m is None or name not in ALLOWED_TAGS:
                raise ApiError(
                    400,
                    f'Bad Request: can\'t parse entities: Unsupported start tag "{name}" '
                    f"at byte offset {i}",
                )
            if m.group(1):
                if not stack or stack[-1] != name:
                    raise ApiError(
                        400, f'Bad Request: can\'t parse entities: Unmatched end tag "{name}"'
                    )
                stack.pop()
            else:
                stack.append(name)
            i = m.end()
        elif ch == "&":
            m = ENTITY.match(text, i)
            if m is None:
                raise ApiError(
                    400, f"Bad Request: can't parse entities: Unescaped '&' at byte offset {i}"
                )
            out.append(html.unescape(m.group(0)))
            i = m.end()
        else:
            out.append(ch)
            i += 1
    if stack:
        raise ApiError(
            400, f"Bad Request: can't parse entities: Can't find end tag for \"{stack[-1]}\""
        )
    return "".join(out)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class FakeTelegram:
    token: str = "123:ABC"
    username: str = "scalp_test_bot"
    calls: list[Call] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)  # sendMessage / sendPhoto results
    edits: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    photos: list[bytes] = field(default_factory=list)
    menus: dict[str, list[str]] = field(default_factory=dict)  # scope -> command names
    blocked: set[int] = field(default_factory=set)
    webhook: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.bot_user = {
            "id": 999_000_111,
            "is_bot": True,
            "first_name": "Scalp",
            "username": self.username,
        }
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._callbacks: dict[str, bool] = {}  # id -> answered
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}  # the bot's
        self._incoming: dict[tuple[int, int], dict[str, Any]] = {}  # injected
        self._chats: dict[int, Chat] = {}
        self._faults: list[Fault] = []
        self._pulse = asyncio.Event()
        self._poll_gen = 0
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._methods: dict[str, Callable[[dict[str, Any]], Awaitable[Any]]] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "answercallbackquery": self._answer_callback_query,
            "setmycommands": self._set_my_commands,
            "deletemycommands": self._delete_my_commands,
            "sendphoto": self._send_photo,
        }

    # -- server ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> str:
        app = web.Application(client_max_size=20 * 2**20)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner, self.port = await serve(app, self.port, shutdown_timeout=0.5)
        return self.url

    async def stop(self) -> None:
        self._poll_gen += 1
        self._wake()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"].lower()
        params = await self._params(request)
        call = Call(method, params, time.monotonic())
        self.calls.append(call)
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            await self._apply_fault(method)
            handler = self._methods.get(method)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = await handler(params)
        except ApiError as exc:
            call.status = exc.code
            return self._error(exc)
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(exc: ApiError) -> web.Response:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": exc.code,
            "description": exc.description,
        }
        headers = {}
        if exc.parameters:
            body["parameters"] = exc.parameters
            if "retry_after" in exc.parameters:
                headers["Retry-After"] = str(exc.parameters["retry_after"])
        return web.json_response(body, status=exc.code, headers=headers)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            body = await request.json()
            params.update(body if isinstance(body, dict) else {})
            return params
        if request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    params[key] = value.file.read()
                elif key in JSON_FIELDS and isinstance(value, str):
                    params[key] = json.loads(value)
                else:
                    params[key] = value
        return params

    async def _apply_fault(self, method: str) -> None:
        for fault in self._faults:
            if fault.method not in ("*", method) or fault.remaining == 0:
                continue
            if fault.remaining is not None:
                fault.remaining -= 1
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status == 429:
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {fault.retry_after}",
                    {"retry_after": fault.retry_after},
                )
            if fault.status:
                raise ApiError(fault.status, fault.description or DESCRIPTIONS[fault.status])
            return

    # -- test controls -----------------------------------------------------------------

    def fail(
        self,
        method: str = "*",
        status: int = 500,
        *,
        times: int | None = None,
        retry_after: int = 1,
        description: str = "",
    ) -> Fault:
        """Answer ``method`` (or every method) with ``status`` ``times`` times (None: always)."""
        fault = Fault(method.lower(), status, 0.0, retry_after, times, description)
        self._faults.append(fault)
        return fault

    def slow(self, method: str = "*", seconds: float = 1.0, *, times: int | None = None) -> Fault:
        fault = Fault(method.lower(), 0, seconds, 1, times)
        self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self._faults.clear()

    def user(self, uid: int) -> dict[str, Any]:
        return {"id": uid, "is_bot": False, "first_name": f"user{uid}", "username": f"u{uid}"}

    def chat(self, chat_id: int, kind: str = "") -> Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            kind = kind or ("private" if chat_id > 0 else "supergroup")
            chat = self._chats[chat_id] = Chat(chat_id, kind)
        return chat

    def command(
        self, uid: int, text: str, chat_id: int | None = None, *, age_s: float = 0.0
    ) -> dict[str, Any]:
        """A message from ``uid`` (in its private chat unless ``chat_id``), as an update."""
        chat = self.chat(uid if chat_id is None else chat_id)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time() - age_s),
            "chat": chat.as_json(),
            "from": self.user(uid),
            "text": text,
        }
        if text.startswith("/"):
            word = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(word)}]
        self._incoming[(chat.id, message["message_id"])] = message
        self._push({"message": message})
        return message

    def press(self, uid: int, message: dict[str, Any], data: str) -> str:
        """``uid`` presses the inline button with ``data`` under the bot's ``message``."""
        current = self._messages.get((message["chat"]["id"], message["message_id"]), message)
        cid = str(next(self._callback_ids))
        self._callbacks[cid] = False
        self._push(
            {
                "callback_query": {
                    "id": cid,
                    "from": self.user(uid),
                    "message": json.loads(json.dumps(current)),
                    "chat_instance": str(abs(message["chat"]["id"]) * 7 + 3),
                    "data": data,
                }
            }
        )
        return cid

    def _push(self, payload: dict[str, Any]) -> None:
        self._updates.append({"update_id": next(self._update_ids), **payload})
        self._wake()

    def _wake(self) -> None:
        self._pulse.set()
        self._pulse = asyncio.Event()

    # -- reading what the bot did ----------------------------------------------------

    def to_chat(self, chat_id: int) -> list[dict[str, Any]]:
        return [m for m in self.sent if m["chat"]["id"] == chat_id]

    def replies_to(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        """What the bot sent quoting ``message`` (an injected command)."""
        key = (message["chat"]["id"], message["message_id"])
        return [
            m
            for m in self.sent
            if (m["chat"]["id"], m.get("reply_to_message", {}).get("message_id")) == key
        ]

    def current(self, message: dict[str, Any]) -> dict[str, Any]:
        return self._messages[(message["chat"]["id"], message["message_id"])]

    def count(self, method: str, status: int | None = None) -> int:
        return sum(
            1 for c in self.calls if c.method == method.lower() and status in (None, c.status)
        )

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    # -- methods -------------------------------------------------------------------------

    async def _get_me(self, p: dict[str, Any]) -> Any:
        return self.bot_user

    async def _delete_webhook(self, p: dict[str, Any]) -> Any:
        self.webhook.clear()
        if str(p.get("drop_pending_updates", "")).lower() == "true":
            self._updates.clear()
        return True

    async def _set_webhook(self, p: dict[str, Any]) -> Any:
        self.webhook.update({"url": p.get("url", ""), "secret_token": p.get("secret_token")})
        return True

    async def _get_updates(self, p: dict[str, Any]) -> Any:
        if self.webhook.get("url"):
            raise ApiError(409, WEBHOOK_CONFLICT)
        offset = int(p.get("offset") or 0)
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        timeout = min(max(float(p.get("timeout") or 0), 0.0), 50.0)
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        self._poll_gen += 1
        gen = self._poll_gen
        self._wake()
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            if gen != self._poll_gen:
                raise ApiError(409, CONFLICT)
            ready = [u for u in self._updates if u["update_id"] >= offset][:limit]
            remaining = end - loop.time()
            if ready or remaining <= 0:
                return ready
            pulse = self._pulse
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(pulse.wait(), remaining)

    def _store(self, chat_id: int, extra: dict[str, Any], p: dict[str, Any]) -> dict[str, Any]:
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        quoted = (p.get("reply_parameters") or {}).get("message_id")
        if quoted is not None:
            original = self._incoming.get((chat_id, int(quoted))) or self._messages.get(
                (chat_id, int(quoted))
            )
            if original is None and not p["reply_parameters"].get("allow_sending_without_reply"):
                raise ApiError(400, "Bad Request: message to be replied not found")
            if original is not None:
                extra = {**extra, "reply_to_message": original}
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id).as_json(),
            "from": self.bot_user,
            **extra,
        }
        self._messages[(chat_id, message["message_id"])] = message
        self.sent.append(message)
        return message

    async def _send_message(self, p: dict[str, Any]) -> Any:
        chat_id = int(p["chat_id"])
        text = str(p.get("text", ""))
        plain = plain_text(text, p.get("parse_mode"))
        if not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(plain) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        extra: dict[str, Any] = {"text": text}
        if p.get("reply_markup"):
            extra["reply_markup"] = p["reply_markup"]
        return self._store(chat_id, extra, p)

    async def _send_photo(self, p: dict[str, Any]) -> Any:
        chat_id = int(p["chat_id"])
        photo = p.get("photo")
        if not isinstance(photo, bytes) or not photo:
            raise ApiError(400, "Bad Request: there is no photo in the request")
        caption = str(p.get("caption") or "")
        if utf16_len(plain_text(caption, p.get("parse_mode"))) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        self.photos.append(photo)
        size = {"file_id": f"ph{len(self.photos)}", "file_unique_id": f"u{len(self.photos)}"}
        extra = {"photo": [{**size, "width": 640, "height": 400, "file_size": len(photo)}]}
        if caption:
            extra["caption"] = caption
        return self._store(chat_id, extra, p)

    async def _edit_message_text(self, p: dict[str, Any]) -> Any:
        chat_id, message_id = int(p.get("chat_id", 0)), int(p.get("message_id", 0))
        message = self._messages.get((chat_id, message_id))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        text = str(p.get("text", ""))
        plain = plain_text(text, p.get("parse_mode"))
        if utf16_len(plain) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        markup = p.get("reply_markup") or None
        if message.get("text") == text and message.get("reply_markup") == markup:
            raise ApiError(400, NOT_MODIFIED)
        message["text"] = text
        message["edit_date"] = int(time.time())
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = markup
        self.edits.append(json.loads(json.dumps(message)))
        return message

    async def _answer_callback_query(self, p: dict[str, Any]) -> Any:
        cid = str(p.get("callback_query_id", ""))
        if self._callbacks.get(cid, True):
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self._callbacks[cid] = True
        self.answers.append({"id": cid, "text": p.get("text", "")})
        return True

    async def _set_my_commands(self, p: dict[str, Any]) -> Any:
        commands = p.get("commands") or []
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands")
        for c in commands:
            if (
                not COMMAND_NAME.match(c.get("command", ""))
                or not 1 <= len(c.get("description", "")) <= 256
            ):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.menus[self._scope_key(p)] = [c["command"] for c in commands]
        return True

    async def _delete_my_commands(self, p: dict[str, Any]) -> Any:
        self.menus.pop(self._scope_key(p), None)
        return True

    @staticmethod
    def _scope_key(p: dict[str, Any]) -> str:
        scope = p.get("scope") or {"type": "default"}
        return f"{scope['type']}:{scope.get('chat_id', '')}"
