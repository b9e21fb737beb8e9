"""The standalone simulated venue's API key pair, kept out of command lines.

``scalpbot sim-venue`` takes the pair from ``SCALPBOT_SIM_KEY`` / ``SCALPBOT_SIM_SECRET``
(the one documented name; ``SCALPBOT__SIM__KEY`` / ``SCALPBOT__SIM__SECRET``, the bot's
``sim.key`` / ``sim.secret``, are accepted as an alias by both processes);
with neither set it keeps a random pair in a private file (``var/sim-venue.keys`` by
default, ``SCALPBOT_SIM_KEYS_FILE`` or ``--keys-file`` to move it), made on first
start and reused after. ``scalpbot run --venue-url URL`` (a ``sim`` venue by URL with
no ``sim.key``/``sim.secret``) reads the same variables, or the same file.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from engine.config.secret import SecretFileError
from engine.config.secret import read_secret_file
from engine.config.secret import register

KEY_ENV = "SCALPBOT_SIM_KEY"
SECRET_ENV = "SCALPBOT_SIM_SECRET"
ALIAS_KEY_ENV = "SCALPBOT__SIM__KEY"  # the bot's sim.key from the environment
ALIAS_SECRET_ENV = "SCALPBOT__SIM__SECRET"
KEYS_FILE_ENV = "SCALPBOT_SIM_KEYS_FILE"
DEFAULT_KEYS_FILE = "var/sim-venue.keys"


def keys_file(env: Mapping[str, str], given: str | None = None) -> str:
    """Where the pair is kept: ``given`` (a flag), else the variable, else the default."""
    return given or env.get(KEYS_FILE_ENV, "").strip() or DEFAULT_KEYS_FILE


def read_keys(path: str) -> tuple[str, str] | None:
    """The pair in ``path`` (key id on the first line, secret on the second), or None when
    there is no such file; refused (SecretFileError, naming the file) like any secret
    file others may read or replace."""
    if not os.path.lexists(path):
        return None
    words = read_secret_file(path).split()
    if len(words) != 2:
        raise SecretFileError(f"{path} must hold the key id and the secret on two lines")
    register(words[0])
    return words[0], words[1]


def make_keys(path: str) -> tuple[str, str]:
    """A new random pair written to ``path`` (0600, its directory 0700 when made), or the
    pair already there if another process made it first."""
    Path(path).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = "SIM" + secrets.token_hex(8).upper()
    secret = secrets.token_urlsafe(30)
    register(key)
    register(secret)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pair = read_keys(path)
        assert pair is not None
        return pair
    with os.fdopen(fd, "w") as fh:
        fh.write(f"{key}\n{secret}\n")
    return key, secret


def env_pair(env: Mapping[str, str]) -> tuple[str, str]:
    """The key id and the secret from the environment ("" when unset): ``SCALPBOT_SIM_KEY``
    / ``SCALPBOT_SIM_SECRET``, else their alias ``SCALPBOT__SIM__KEY`` / ``__SECRET``."""
    key = env.get(KEY_ENV, "").strip() or env.get(ALIAS_KEY_ENV, "").strip()
    secret = env.get(SECRET_ENV, "").strip() or env.get(ALIAS_SECRET_ENV, "").strip()
    return key, secret


def client_keys(env: Mapping[str, str]) -> tuple[str, str] | None:
    """The pair a bot sends to a sim venue given by URL: both variables (or their alias),
    else the keys file if it exists, else None (the library's default pair)."""
    key, secret = env_pair(env)
    if key and secret:
        return key, secret
    return read_keys(keys_file(env))
