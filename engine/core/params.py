"""Build typed, frozen parameter structs from ``key=value`` strings."""

from __future__ import annotations

from typing import TypeVar

import msgspec

P = TypeVar("P", bound=msgspec.Struct)


class ParamError(ValueError):
    """A parameter is unknown or has a bad value; the message names the key."""


def parse_params(cls: type[P], raw: dict[str, str], prefix: str = "") -> P:
    """Build ``cls`` from strings, naming any unknown or bad key (with ``prefix``)."""
    fields = set(cls.__struct_fields__)
    for key in raw:
        if key not in fields:
            known = ", ".join(sorted(prefix + f for f in fields))
            raise ParamError(f"unknown key '{prefix}{key}' (known: {known})")
    try:
        return msgspec.convert(raw, cls, strict=False)
    except msgspec.ValidationError as exc:
        msg = str(exc)
        named = _name_key(msg, prefix) if " - at `$." in msg else _prefix_field(msg, fields, prefix)
        raise ParamError(f"bad value: {named}") from None
    except ValueError as exc:
        raise ParamError(f"bad value: {_prefix_field(str(exc), fields, prefix)}") from None


def _prefix_field(msg: str, fields: set[str], prefix: str) -> str:
    """Name the first field a validation message mentions with its full key."""
    if not prefix:
        return msg
    words = msg.replace("(", " ").replace(")", " ").replace(",", " ").split()
    for word in words:
        name = word.split("=")[0]
        if name in fields:
            return msg.replace(name, prefix + name, 1)
    return f"{prefix.rstrip('.')}: {msg}"


def _name_key(msg: str, prefix: str) -> str:
    # msgspec says e.g. "Expected `int`, got `str` - at `$.fast`"
    if " - at `$." in msg:
        what, _, where = msg.partition(" - at `$.")
        return f"'{prefix}{where.rstrip('`')}': {what}"
    return msg
