"""ConfigError, and turning msgspec's messages into one line naming the key."""

from __future__ import annotations

import re
from collections.abc import Mapping

import msgspec
import msgspec.inspect as mi

_AT = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<field>[^`]*)`$")
_FIELD_FIRST = re.compile(r"^(?P<field>[a-z_][a-z0-9_]*)(?::\s*|\s+)(?P<rest>.*)$", re.DOTALL)


class ConfigError(ValueError):
    """The configuration is refused. ``key`` is the dotted path (``risk.daily_loss_limit``),
    ``source`` the environment variable or file the bad value came from, if known."""

    def __init__(self, key: str, message: str, source: str = "") -> None:
        self.key = key
        self.message = " ".join(message.split())  # always one line
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        named = self.message.startswith(self.key + " ")
        text = self.message if named else f"{self.key}: {self.message}"
        return f"{text} (from {self.source})" if self.source else text


def struct_at(root: type[msgspec.Struct], path: str) -> type[msgspec.Struct] | None:
    """The struct type found at a dotted path such as ``schedule.sessions[0]``."""
    info: mi.Type = mi.type_info(root)
    for part in filter(None, re.split(r"\.|\[\d+\]", path)):
        info = _unwrap(info)
        if not isinstance(info, mi.StructType):
            return None
        fields = {f.name: f.type for f in info.fields}
        if part not in fields:
            return None
        info = fields[part]
    info = _unwrap(info)
    return info.cls if isinstance(info, mi.StructType) else None


def _unwrap(info: mi.Type) -> mi.Type:
    """The struct inside ``X | None``, ``tuple[X, ...]`` or ``list[X]``."""
    if isinstance(info, mi.UnionType):
        structs = [t for t in info.types if isinstance(t, mi.StructType)]
        return structs[0] if len(structs) == 1 else info
    if isinstance(info, (mi.VarTupleType, mi.ListType)):
        return _unwrap(info.item_type)
    return info


def known_keys(cls: type[msgspec.Struct] | None) -> str:
    return ", ".join(sorted(cls.__struct_fields__)) if cls else ""


def from_validation(
    exc: Exception,
    root: type[msgspec.Struct],
    prefix: str = "",
    origins: Mapping[str, str] | None = None,
) -> ConfigError:
    """The ConfigError for a msgspec ValidationError (or a struct's ValueError)."""
    match = _AT.match(str(exc))
    assert match is not None  # the pattern matches any text
    what, path = match.group("what").strip(), (match.group("path") or "").lstrip(".")
    key = prefix + path if path else prefix.rstrip(".")
    unknown = _UNKNOWN.match(what)
    if unknown:
        key = _join(key, unknown.group("field"))
        known = known_keys(struct_at(root, path))
        message = f"unknown key (known: {known})" if known else "unknown key"
    else:
        message = what
        head = _FIELD_FIRST.match(what)
        cls = struct_at(root, path)
        if head and cls and head.group("field") in cls.__struct_fields__:
            key = _join(key, head.group("field"))
            if what[len(head.group("field"))] == ":":
                message = head.group("rest")
        elif what.startswith(key + ".") and " " in what:
            key = what.split(" ", 1)[0]  # "risk.daily_loss_limit must ..." names its key
    return ConfigError(key or "config", message, source=_origin(key, origins or {}))


def _join(base: str, field: str) -> str:
    return f"{base}.{field}" if base else field


def _origin(key: str, origins: Mapping[str, str]) -> str:
    """The environment variable that set ``key`` or a table containing it."""
    probe = re.sub(r"\[\d+\]", "", key)
    while probe:
        if probe in origins:
            return origins[probe]
        probe = probe.rpartition(".")[0]
    return ""
