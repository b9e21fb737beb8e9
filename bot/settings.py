"""The Telegram plugin's settings: the ``[telegram]`` section, the environment, fail closed.

``[telegram]`` (``enabled``, ``allowed_users``, ``token_file``) arrives as plain data
from the config loader. The environment adds ``TELEGRAM_BOT_TOKEN``,
``TELEGRAM_ALLOWED_USERS="111:admin,222:viewer"`` (replaces the list),
``TELEGRAM_API_URL`` (a self-hosted Bot API server), ``TELEGRAM_WEBHOOK_URL`` /
``TELEGRAM_WEBHOOK_SECRET`` (webhook instead of long polling) and
``TELEGRAM_GROUP_CHAT_ID`` (the one group commands are taken from). Both URLs are
parsed: https, or http to a loopback host only. A few advanced knobs (time-outs,
rate limits) are read from the same mapping; docs/telegram.md lists them.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from enum import IntEnum
from typing import Any
from urllib.parse import SplitResult
from urllib.parse import urlsplit

from engine.control import SecretFileError
from engine.control import ShortSecretError
from engine.control import is_loopback
from engine.control import read_secret_file
from engine.control import register_secret

USERS_VAR = "TELEGRAM_ALLOWED_USERS"
TOKEN_VAR = "TELEGRAM_BOT_TOKEN"
API_URL_VAR = "TELEGRAM_API_URL"
WEBHOOK_URL_VAR = "TELEGRAM_WEBHOOK_URL"
WEBHOOK_SECRET_VAR = "TELEGRAM_WEBHOOK_SECRET"
GROUP_VAR = "TELEGRAM_GROUP_CHAT_ID"
# Telegram's rule for secret_token is 1-256 of A-Z a-z 0-9 _ -; we ask at least 32 (about
# 190 bits), so it can neither be guessed at the webhook route nor missed by the redactor.
WEBHOOK_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{32,256}")


class Role(IntEnum):
    """What a user may do; a command needs at least its role."""

    VIEWER = 1
    TRADER = 2
    ADMIN = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class SettingsError(ValueError):
    """The Telegram settings are refused (the plugin does not start)."""


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Bot API flood limits (unofficial): ~30 msg/s overall, ~1/s per chat, 20/min per group."""

    global_per_s: float = 25.0
    chat_per_s: float = 1.0
    chat_burst: float = 3.0
    group_per_s: float = 20 / 60
    group_burst: float = 3.0


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str  # the public https URL Telegram posts to
    path: str  # the route added to the runtime's HTTP server
    secret_token: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class BotSettings:
    token: str = field(repr=False)
    users: Mapping[int, Role]
    api_url: str | None = None
    webhook: Webhook | None = None
    group_chat_id: int | None = None  # the one group commands are taken from (None: none)
    poll_timeout_s: float = 10.0
    request_timeout_s: float = 10.0
    confirm_ttl_s: float = 30.0
    stale_command_s: float = 120.0  # commands older than this (e.g. queued while down) are ignored
    refusal_interval_s: float = 60.0  # at most one refusal reply per user per interval
    refusal_audit_s: float = 60.0  # refusals after a user's first are summed up per window
    commands_per_minute: float = 20.0  # per user, after a burst of command_burst
    command_burst: float = 10.0
    alert_max_age_s: float = 900.0  # a message still unsent after this is dropped (and counted)
    flush_on_stop_s: float = 3.0
    reconnect_max_s: float = 60.0
    limits: RateLimits = RateLimits()

    @property
    def base_url(self) -> str | None:
        return f"{self.api_url}/bot" if self.api_url else None

    @property
    def base_file_url(self) -> str | None:
        return f"{self.api_url}/file/bot" if self.api_url else None


def parse_users(text: str) -> dict[int, Role]:
    """``"111:admin,222:viewer"`` as {user id: role}; SettingsError when malformed."""
    users: dict[int, Role] = {}
    for item in (w.strip() for w in text.split(",")):
        user_id, sep, role = item.partition(":")
        name = role.strip().upper()
        if not sep or not user_id.strip().isdigit() or name not in Role.__members__:
            raise SettingsError(f"{USERS_VAR}: expected id:viewer|trader|admin, got {item!r}")
        uid = int(user_id)
        if uid <= 0 or uid in users:
            raise SettingsError(f"{USERS_VAR}: bad or repeated user id {uid}")
        users[uid] = Role[name]
    return users


def _users(raw: Mapping[str, Any], env: Mapping[str, str]) -> dict[int, Role]:
    text = env.get(USERS_VAR, "").strip()
    if text:
        return parse_users(text)
    users: dict[int, Role] = {}
    for entry in raw.get("allowed_users") or ():
        try:
            uid, role = int(entry["id"]), Role[str(entry["role"]).upper()]
        except (KeyError, TypeError, ValueError):
            raise SettingsError(f"allowed_users: bad entry {entry!r}") from None
        if uid <= 0 or uid in users:
            raise SettingsError(f"allowed_users: bad or repeated user id {uid}")
        users[uid] = role
    return users


def _register(value: str, name: str) -> None:
    """Known to the redactor from now on; refused when too short for it to hide."""
    try:
        register_secret(value, name)
    except ShortSecretError as exc:
        raise SettingsError(str(exc)) from None


def _token(raw: Mapping[str, Any], secret: str | None, env: Mapping[str, str]) -> str:
    if secret:
        _register(secret, "the bot token (telegram_token)")
        return secret
    file = str(raw.get("token_file") or "")
    if file:
        try:
            value = read_secret_file(file)  # registered; refused if others may read it
        except SecretFileError as exc:
            raise SettingsError(f"token_file: {exc}") from None
        if value:
            return value
    value = env.get(TOKEN_VAR, "").strip()
    _register(value, TOKEN_VAR)
    if not value:
        raise SettingsError(f"no bot token: set {TOKEN_VAR} or telegram.token_file")
    return value


def checked_url(var: str, url: str) -> SplitResult:
    """``url`` parsed: https, or http to a loopback host; no credentials, query or fragment.

    The message names the variable and the host only (a path may hold a secret)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise SettingsError(f"{var}: not a URL") from None
    if parts.scheme not in ("https", "http") or not host:
        raise SettingsError(f"{var}: expected https://host[:port][/path]")
    if parts.username is not None or parts.password is not None:
        raise SettingsError(f"{var}: no credentials in the URL")
    if parts.query or parts.fragment:
        raise SettingsError(f"{var}: no query or fragment in the URL")
    if parts.scheme == "http" and not is_loopback(host):
        raise SettingsError(
            f"{var}: http:// is allowed only to a loopback host (127.0.0.1, ::1, localhost),"
            f" not {host}: use https://"
        )
    return parts


def _api_url(raw: Mapping[str, Any], env: Mapping[str, str]) -> str | None:
    url = env.get(API_URL_VAR, "").strip() or str(raw.get("api_url") or "").strip()
    if not url:
        return None
    checked_url(API_URL_VAR, url)
    return url.rstrip("/")


def _group(raw: Mapping[str, Any], env: Mapping[str, str]) -> int | None:
    value = env.get(GROUP_VAR, "").strip() or raw.get("group_chat_id")
    if value in (None, "", 0):
        return None
    try:
        group = int(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{GROUP_VAR}: not a chat id ({value!r})") from None
    if group >= 0:
        raise SettingsError(f"{GROUP_VAR}: a group's chat id is negative (got {group})")
    return group


def _webhook(raw: Mapping[str, Any], env: Mapping[str, str]) -> Webhook | None:
    url = env.get(WEBHOOK_URL_VAR, "").strip() or str(raw.get("webhook_url") or "")
    if not url:
        return None
    parts = checked_url(WEBHOOK_URL_VAR, url)
    secret = env.get(WEBHOOK_SECRET_VAR, "").strip() or secrets.token_urlsafe(32)
    if not WEBHOOK_SECRET_RE.fullmatch(secret):
        raise SettingsError(
            f"{WEBHOOK_SECRET_VAR}: must be 32 to 256 characters of A-Z, a-z, 0-9, _ and -"
            f" (got {len(secret)} characters{'' if secret.isascii() else ', not all ASCII'});"
            " e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(32))',"
            " or leave it unset for a random one each start"
        )
    _register(secret, WEBHOOK_SECRET_VAR)  # PTB logs setWebhook's secret_token at debug level
    return Webhook(url, parts.path or "/telegram", secret)


def _float(raw: Mapping[str, Any], key: str, default: float) -> float:
    value = raw.get(key, default)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{key}: not a number ({value!r})") from None
    if not number > 0:
        raise SettingsError(f"{key}: must be positive")
    return number


def _limits(raw: Mapping[str, Any]) -> RateLimits:
    given = raw.get("rate_limits") or {}
    base = RateLimits()
    known = RateLimits.__dataclass_fields__
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise SettingsError(f"rate_limits: unknown keys {', '.join(unknown)}")
    return RateLimits(**{k: _float(given, k, getattr(base, k)) for k in known})


def load_settings(
    raw: Mapping[str, Any] | None, secret: str | None, env: Mapping[str, str]
) -> BotSettings | None:
    """The settings, or None when Telegram is not enabled (the plugin then does nothing).

    Raises SettingsError when enabled without an allow-list or without a token.
    """
    raw = raw or {}
    if not raw.get("enabled"):
        return None
    users = _users(raw, env)
    if not users:
        raise SettingsError(
            f"telegram is enabled with an empty allow-list: nobody could be authorised "
            f'(set telegram.allowed_users or {USERS_VAR}="id:role,...")'
        )
    return BotSettings(
        token=_token(raw, secret, env),
        users=users,
        api_url=_api_url(raw, env),
        webhook=_webhook(raw, env),
        group_chat_id=_group(raw, env),
        poll_timeout_s=_float(raw, "poll_timeout_s", 10.0),
        request_timeout_s=_float(raw, "request_timeout_s", 10.0),
        confirm_ttl_s=_float(raw, "confirm_ttl_s", 30.0),
        stale_command_s=_float(raw, "stale_command_s", 120.0),
        refusal_interval_s=_float(raw, "refusal_interval_s", 60.0),
        refusal_audit_s=_float(raw, "refusal_audit_s", 60.0),
        commands_per_minute=_float(raw, "commands_per_minute", 20.0),
        command_burst=_float(raw, "command_burst", 10.0),
        alert_max_age_s=_float(raw, "alert_max_age_s", 900.0),
        flush_on_stop_s=_float(raw, "flush_on_stop_s", 3.0),
        reconnect_max_s=_float(raw, "reconnect_max_s", 60.0),
        limits=_limits(raw),
    )
