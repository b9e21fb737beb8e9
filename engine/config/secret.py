"""A string that never shows itself: secrets held in the configuration."""

from __future__ import annotations

import hmac
import json
import os
import re
import stat
from pathlib import Path
from typing import NoReturn
from urllib.parse import quote
from urllib.parse import quote_plus

MASK = "**********"

_LOADED: set[str] = set()


REDACTED = "***"
MIN_REDACTED_LEN = 4  # shorter values would mangle ordinary text and reveal little


class ShortSecretError(ValueError):
    """A secret too short for the redactor to recognise; the message names where it came
    from (``name``), never the value."""


def register(value: str, name: str = "a secret") -> None:
    """Make ``value`` known to the redactor (with the forms it takes in a URL or a form
    body: percent-encoded, upper- and lower-case escapes, ``+`` for spaces), so it is
    redacted from every log line, reply and error from now on.

    An empty value is nothing configured and is ignored. A value shorter than
    :data:`MIN_REDACTED_LEN` is refused with :class:`ShortSecretError` (naming ``name``):
    the redactor could not hide it, so it would be logged in clear.
    """
    if not value:
        return
    if len(value) < MIN_REDACTED_LEN:
        raise ShortSecretError(
            f"{name} is too short to be a secret (fewer than {MIN_REDACTED_LEN} characters:"
            " it could not be kept out of the logs); use a long random value"
        )
    _LOADED.update(_forms(value))


def _forms(value: str) -> set[str]:
    forms = {value}
    for encoded in (quote(value, safe=""), quote(value), quote_plus(value)):
        forms.add(encoded)
        forms.add(re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), encoded))
    # Inside a repr (str or bytes, either quote) or JSON a ' \ or " is escaped.
    escaped = value.encode("unicode_escape").decode("ascii")
    forms.update({escaped, escaped.replace("'", "\\'"), escaped.replace('"', '\\"')})
    forms.update({repr(value)[1:-1], repr(value.encode())[2:-1]})
    forms.update(json.dumps(value, ensure_ascii=a)[1:-1] for a in (True, False))
    # Some clients fold an error's text to one case (python-telegram-bot lowercases a
    # "Bad Request" answer, with any URL echoed in it).
    forms.update({value.lower(), value.upper()})
    return forms


def register_all(values: object) -> None:
    """:func:`register` every string found in ``values`` (a string, a mapping's values,
    or a list/tuple of them, nested), e.g. a plugin's secrets."""
    if isinstance(values, SecretStr):
        register(values.get_secret_value())
    elif isinstance(values, str):
        register(values)
    elif isinstance(values, dict):
        for item in values.values():
            register_all(item)
    elif isinstance(values, (list, tuple, set, frozenset)):
        for item in values:
            register_all(item)


class SecretFileError(ValueError):
    """A secret file that cannot be used; the message names the file, never its content."""


def read_secret_file(path: str | Path) -> str:
    """The stripped content of a secret file, registered with the redactor.

    Refused, as ssh refuses a private key, when the file is not a regular file, when
    its group or others have any permission on it (``chmod 600 FILE``), when it is
    owned by another user than this one or root, or when its directory (symlinks
    resolved) may be written by group or others without the sticky bit.
    """
    name = str(path)
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise SecretFileError(f"cannot read {name}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SecretFileError(f"{name} is not a regular file")
        mode = stat.S_IMODE(info.st_mode)
        if os.name == "posix" and mode & 0o077:
            raise SecretFileError(
                f"{name} is accessible by group or others (mode {mode:04o}): "
                f"a secret file must be private to the bot's user (chmod 600 {name})"
            )
        if os.name == "posix":
            _check_owner_and_directory(name, info.st_uid)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            raw = fh.read()
    finally:
        os.close(fd)
    try:
        value = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise SecretFileError(f"{name} is not UTF-8 text") from None
    try:
        register(value, name)
    except ShortSecretError as exc:
        raise SecretFileError(str(exc)) from None
    return value


def _check_owner_and_directory(name: str, uid: int) -> None:
    """Whoever owns a secret file, or may write its directory, can replace its content
    (another bot token, other keys): refuse both, as ssh's StrictModes does."""
    me = os.geteuid()
    if uid not in (me, 0):
        raise SecretFileError(
            f"{name} is owned by uid {uid}, not by this user (uid {me}) or root: "
            f"a secret file must belong to the bot's user (chown {me} {name})"
        )
    folder = os.path.dirname(os.path.realpath(name)) or "."
    try:
        mode = os.stat(folder).st_mode
    except OSError as exc:
        raise SecretFileError(f"cannot check the directory of {name}: {exc.strerror}") from None
    if mode & 0o022 and not mode & stat.S_ISVTX:
        raise SecretFileError(
            f"{name} is in {folder}, writable by group or others (mode "
            f"{stat.S_IMODE(mode):04o}) so they could replace it: chmod go-w {folder}"
        )


def loaded_secrets() -> frozenset[str]:
    """Every secret value this process has loaded into a :class:`SecretStr` (the log
    redactor reads it, so a secret is redacted from the moment it is loaded)."""
    return frozenset(_LOADED)


def redact(text: str, extra: frozenset[str] = frozenset()) -> str:
    """``text`` with every loaded secret (and any in ``extra``) replaced by ``***``,
    longest first (for logs, chat replies and error messages)."""
    secrets = loaded_secrets() | extra
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= MIN_REDACTED_LEN and secret in text:
            text = text.replace(secret, REDACTED)
    return text


class SecretStr:
    """A secret value whose ``repr``, ``str`` and format are masked.

    Read the value only where it is used (a header, a login call) with
    :meth:`get_secret_value`; never log or store it.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("a secret must be a string")
        self._value = value
        register(value)

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"SecretStr('{MASK}')"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SecretStr):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((SecretStr, self._value))

    def __len__(self) -> int:
        return len(self._value)

    def __reduce__(self) -> NoReturn:
        raise TypeError("a SecretStr is not picklable")
