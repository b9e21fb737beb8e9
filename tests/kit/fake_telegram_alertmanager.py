"""A loopback stand-in for the Telegram Bot API, enough for Alertmanager 0.25.

Alertmanager's telegram receiver (telebot v3 in offline mode: no getMe) POSTs
``sendMessage`` to ``{api_url}/bot{token}/sendMessage`` and reads a Message back
(reference/protocols.md section 4.5). Every call is recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from tests.kit.serve import Served


@dataclass(frozen=True)
class Call:
    token: str
    method: str
    params: dict[str, Any]


class FakeTelegram(Served):
    def __init__(self) -> None:
        self.calls: list[Call] = []

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/bot{token}/{method}", self._handle)

    def messages(self) -> list[Call]:
        return [c for c in self.calls if c.method == "sendMessage"]

    async def _handle(self, request: web.Request) -> web.Response:
        raw = await request.text()
        if request.content_type == "application/json":
            params: dict[str, Any] = json.loads(raw or "{}")
        else:
            params = dict(parse_qsl(raw))
        call = Call(request.match_info["token"], request.match_info["method"], params)
        self.calls.append(call)
        if call.method != "sendMessage":
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"})
        chat_id = int(params.get("chat_id", 0))
        message = {
            "message_id": len(self.calls),
            "date": 0,
            "chat": {"id": chat_id, "type": "supergroup", "title": "alerts"},
            "text": params.get("text", ""),
        }
        return web.json_response({"ok": True, "result": message})
