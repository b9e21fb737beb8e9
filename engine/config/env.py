"""Environment overrides: ``SCALPBOT__SECTION__KEY=value``.

Each variable names one key (``SCALPBOT__RISK__MAX_SPREAD_BPS=5``,
``SCALPBOT__STRATEGY__PARAMS__MIN_UPTICKS=2``). The value is a string that the
loader converts to the key's type; a list key takes a TOML array
(``["AAPL", "MSFT"]``, also lists of tables) or comma-separated words.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import Any

import msgspec
import msgspec.inspect as mi

from engine.config.errors import ConfigError
from engine.config.secret import ShortSecretError
from engine.config.secret import register

PREFIX = "SCALPBOT__"
SECRET_VARS = "APCA_API_KEY_ID, APCA_API_SECRET_KEY, TELEGRAM_BOT_TOKEN"
TELEGRAM_USERS_VAR = "TELEGRAM_ALLOWED_USERS"
# Secrets the process may use without reading them itself (the database driver reads
# PGPASSWORD; the bot reads the webhook secret): registered with the log redactor
# as soon as the configuration is loaded.
CREDENTIAL_VARS = (
    "APCA_API_KEY_ID",
    "APCA_API_SECRET_KEY",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET",
    "PGPASSWORD",
    "SCALPBOT_SIM_KEY",
    "SCALPBOT_SIM_SECRET",
    "SCALPBOT__SIM__KEY",  # the same pair under its alias (sim.key / sim.secret)
    "SCALPBOT__SIM__SECRET",
    "SCALPBOT_HTTP_TOKEN",
)


def register_env_secrets(env: Mapping[str, str]) -> None:
    """Register every credential variable set in ``env`` with the log redactor."""
    for var in CREDENTIAL_VARS:
        value = env.get(var, "").strip()
        try:
            register(value, var)
        except ShortSecretError as exc:
            raise ConfigError(var, str(exc), source=var) from None


def env_overrides(
    env: Mapping[str, str], root: type[msgspec.Struct]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The overrides in ``env`` as a nested table, and each dotted key's variable."""
    tree: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for var in sorted(env):
        if not var.upper().startswith(PREFIX):
            continue
        parts = [p.lower() for p in var[len(PREFIX) :].split("__")]
        path = ".".join(parts)
        if not all(parts):
            raise ConfigError(path or var, "expected SCALPBOT__SECTION__KEY", source=var)
        if parts[0] == "secrets":
            raise ConfigError(path, f"secrets come only from {SECRET_VARS} or files", source=var)
        leaf = _leaf(root, parts, var)
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = _parse(env[var], leaf, path, var)
        origins[path] = var
    return tree, origins


def _leaf(root: type[msgspec.Struct], parts: list[str], var: str) -> mi.Type:
    """The type of the key ``parts`` names; ConfigError when there is no such key."""
    info: mi.Type = mi.type_info(root)
    for i, part in enumerate(parts):
        where = ".".join(parts[:i])
        if isinstance(info, mi.AnyType):
            return info  # a free-form table (strategy.params) checked later
        if isinstance(info, mi.DictType):
            info = info.value_type
            continue
        if not isinstance(info, mi.StructType):
            raise ConfigError(".".join(parts), f"{where} is not a table", source=var)
        fields = {f.name: f.type for f in info.fields}
        if part not in fields or (not where and part == "secrets"):
            known = ", ".join(sorted(n for n in fields if n != "secrets"))
            raise ConfigError(".".join(parts[: i + 1]), f"unknown key (known: {known})", source=var)
        info = fields[part]
    if isinstance(info, mi.StructType):
        raise ConfigError(".".join(parts), "is a table: set its keys one by one", source=var)
    return info


def _is_sequence(info: mi.Type) -> bool:
    if isinstance(info, mi.UnionType):
        return any(_is_sequence(t) for t in info.types)
    return isinstance(info, (mi.VarTupleType, mi.ListType, mi.TupleType))


def _parse(value: str, info: mi.Type, path: str, var: str) -> Any:
    if not _is_sequence(info):
        return value
    text = value.strip()
    if text.startswith("["):
        try:
            return tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(path, f"not a TOML array ({exc})", source=var) from None
    types = info.types if isinstance(info, mi.UnionType) else (info,)
    if text.isdigit() and any(isinstance(t, mi.IntType) for t in types):
        return int(text)
    return [w.strip() for w in text.split(",") if w.strip()]


def telegram_users(env: Mapping[str, str], tree: dict[str, Any], origins: dict[str, str]) -> None:
    """Put ``TELEGRAM_ALLOWED_USERS="111:admin,222:viewer"`` into ``tree`` as
    ``telegram.allowed_users`` (it replaces the file's list, like any override).

    Ids and roles are validated later with the rest of the config.
    """
    var = TELEGRAM_USERS_VAR
    text = env.get(var, "").strip()
    if not text:
        return
    key = "telegram.allowed_users"
    if key in origins:
        raise ConfigError(key, f"set by both {origins[key]} and {var}; use one", source=var)
    users = []
    for item in (w.strip() for w in text.split(",")):
        user_id, sep, role = item.partition(":")
        if not sep or not user_id.strip().isdigit() or not role.strip():
            raise ConfigError(key, f"expected id:role[,id:role...], got {item!r}", source=var)
        users.append({"id": int(user_id), "role": role.strip().lower()})
    tree.setdefault("telegram", {})["allowed_users"] = users
    origins[key] = var
