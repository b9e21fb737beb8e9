"""Build the frozen Config: defaults < TOML file < environment < command-line flags."""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec

from engine.config.env import SECRET_VARS
from engine.config.env import env_overrides
from engine.config.env import register_env_secrets
from engine.config.env import telegram_users
from engine.config.errors import ConfigError
from engine.config.errors import from_validation
from engine.config.plugins import check_plugins
from engine.config.safety import check_live_explicit
from engine.config.safety import check_safety
from engine.config.safety import is_live_venue
from engine.config.schema import ALPACA_DATA_URL
from engine.config.schema import ALPACA_PAPER_URL
from engine.config.schema import Config
from engine.config.schema import Secrets
from engine.config.schema import VenueConfig
from engine.config.secret import MASK
from engine.config.secret import SecretFileError
from engine.config.secret import SecretStr
from engine.config.secret import read_secret_file
from engine.core.params import ParamError
from engine.core.strategies import strategy_factory

SECRET_NAMES = frozenset({"key", "secret", "token", "password", "passphrase", "secrets"})
SECRET_SUFFIXES = ("_key", "_secret", "_token", "_password", "_key_id")
HTTP_TOKEN_VAR = "SCALPBOT_HTTP_TOKEN"
MIN_HTTP_TOKEN = 16
SIM_CREDENTIALS = frozenset({"sim.key", "sim.secret"})  # guard only the synthetic venue
FLAG_SOURCES = {
    "venue.url": "--venue-url",
    "venue.data_url": "--venue-url",
    "store.url": "--db",
    "http.listen": "--http",
}


def load_config(
    path: Path | str | None = None,
    env: Mapping[str, str] = os.environ,
    *,
    require_secrets: bool = True,
    venue_url: str | None = None,
    venue_data_url: str | None = None,
    db_url: str | None = None,
    http_listen: str | None = None,
) -> Config:
    """The validated configuration from ``path`` (None = built-in defaults), ``env`` and
    the command-line flags (``venue_url`` ... : None = not given; they win over file and
    env). Every check runs once on the result, whichever way a value arrived.

    Raises ConfigError naming the first bad key (and the flag or variable it came from).
    With ``require_secrets`` false, missing credentials are not an error (for checking a
    config in CI). For Alpaca an empty ``venue_url``/``venue_data_url`` means Alpaca's
    paper/data default.
    """
    file_tree = _read_toml(Path(path)) if path is not None else {}
    _refuse_secrets(file_tree, "")
    _stringify_faults(file_tree)
    env_tree, origins = env_overrides(env, Config)
    telegram_users(env, env_tree, origins)
    flag_tree = _flags(venue_url, venue_data_url, db_url, http_listen, origins)
    tree = _merge(_merge(_merge(_defaults(), file_tree), env_tree), flag_tree)
    try:
        config = msgspec.convert(tree, Config, strict=False, dec_hook=_dec_hook)
    except (msgspec.ValidationError, ValueError) as exc:
        raise from_validation(exc, Config, origins=origins) from None
    config = _resolve_venue(_with_params(config, origins))
    try:
        check_safety(config)
        check_live_explicit(config, _paths(file_tree, "") | _paths(env_tree, ""))
        check_plugins(config)  # only enabled plugins, each installed once
    except ConfigError as exc:
        raise ConfigError(exc.key, exc.message, exc.source or origins.get(exc.key, "")) from None
    secrets = read_secrets(config, env, require=require_secrets)
    return msgspec.structs.replace(config, secrets=secrets)


def with_overrides(
    config: Config,
    *,
    venue_url: str | None = None,
    venue_data_url: str | None = None,
    db_url: str | None = None,
    http_listen: str | None = None,
) -> Config:
    """``config`` with command-line flags applied (they win over file and env), re-checked.

    For Alpaca an empty ``venue_url``/``venue_data_url`` means Alpaca's paper/data default.
    Which limits were written explicitly is no longer known here, so a flag that makes
    the venue live is refused (fail closed): give the flags to :func:`load_config`.
    """
    changes = {
        "venue": {"url": venue_url, "data_url": venue_data_url},
        "store": {"url": db_url},
        "http": {"listen": http_listen},
    }
    updated: dict[str, Any] = {}
    for section, values in changes.items():
        given = {k: v for k, v in values.items() if v is not None}
        if given:
            current = msgspec.to_builtins(getattr(config, section))
            cls = type(getattr(config, section))
            try:
                updated[section] = msgspec.convert({**current, **given}, cls, strict=False)
            except (msgspec.ValidationError, ValueError) as exc:
                raise from_validation(exc, cls, f"{section}.", FLAG_SOURCES) from None
    was_live = is_live_venue(config.venue)
    config = _resolve_venue(msgspec.structs.replace(config, **updated))
    try:
        check_safety(config)
        if not was_live:  # load_config checked the explicit limits of a live venue
            check_live_explicit(config, ())
    except ConfigError as exc:
        source = FLAG_SOURCES.get(exc.key, "--venue-url" if exc.key.startswith("risk.") else "")
        raise ConfigError(exc.key, exc.message, source) from None
    return config


def _flags(
    venue_url: str | None,
    venue_data_url: str | None,
    db_url: str | None,
    http_listen: str | None,
    origins: dict[str, str],
) -> dict[str, Any]:
    """The flags given (not None) as a table, each key's flag recorded in ``origins``."""
    given = {
        "venue.url": venue_url,
        "venue.data_url": venue_data_url,
        "store.url": db_url,
        "http.listen": http_listen,
    }
    tree: dict[str, Any] = {}
    for key, value in given.items():
        if value is not None:
            section, name = key.split(".")
            tree.setdefault(section, {})[name] = value
            origins[key] = FLAG_SOURCES[key]
    return tree


def config_hash(config: Config) -> str:
    """A stable sha256 (hex) of the canonical config, without any secret."""
    tree = msgspec.to_builtins(config, enc_hook=_mask)
    tree.pop("secrets", None)
    return hashlib.sha256(msgspec.json.encode(tree, order="sorted")).hexdigest()


def read_secrets(config: Config, env: Mapping[str, str], *, require: bool = True) -> Secrets:
    """Credentials for what ``config`` enables, from the environment or the named files."""
    register_env_secrets(env)  # e.g. PGPASSWORD: known to the redactor before any use
    key_id = secret = token = None
    if config.venue.kind == "alpaca":
        key_id = _secret("venue.key_file", config.venue.key_file, env, "APCA_API_KEY_ID", require)
        secret = _secret(
            "venue.secret_file", config.venue.secret_file, env, "APCA_API_SECRET_KEY", require
        )
    if config.telegram.enabled:
        token = _secret(
            "telegram.token_file", config.telegram.token_file, env, "TELEGRAM_BOT_TOKEN", require
        )
    http_token = _secret("http.token_file", config.http.token_file, env, HTTP_TOKEN_VAR, False)
    if http_token is not None and not _usable_token(http_token.get_secret_value()):
        raise ConfigError(
            "http.token_file" if config.http.token_file else "http",
            f"the HTTP token ({HTTP_TOKEN_VAR} or http.token_file) must be at least "
            f"{MIN_HTTP_TOKEN} printable characters without spaces (openssl rand -hex 32)",
            source="" if config.http.token_file else HTTP_TOKEN_VAR,
        )
    return Secrets(
        alpaca_key_id=key_id, alpaca_secret_key=secret, telegram_token=token, http_token=http_token
    )


def _usable_token(value: str) -> bool:
    printable = value.isascii() and value.isprintable() and " " not in value
    return len(value) >= MIN_HTTP_TOKEN and printable


def _secret(
    key: str, file: str, env: Mapping[str, str], var: str, require: bool
) -> SecretStr | None:
    from_env = env.get(var, "").strip()
    if file and from_env:
        raise ConfigError(key, f"and {var} are both set; use one", source=var)
    if file:
        try:
            value = read_secret_file(file)  # refused when group/world may read it
        except SecretFileError as exc:
            raise ConfigError(key, str(exc)) from None
        if not value:
            raise ConfigError(key, f"{file} is empty")
        return SecretStr(value)
    if from_env:
        return SecretStr(from_env)
    if require:
        raise ConfigError(key, f"no credential: set {var} in the environment or {key}")
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), f"not valid TOML: {exc}") from None


def _refuse_secrets(tree: Mapping[str, Any], prefix: str) -> None:
    """A credential written in the file is refused (its value is never echoed)."""
    for name, value in tree.items():
        path = prefix + name
        lowered = name.lower()
        looks_secret = lowered in SECRET_NAMES or lowered.endswith(SECRET_SUFFIXES)
        if looks_secret and path not in SIM_CREDENTIALS:
            raise ConfigError(
                path,
                f"put secrets in the environment or a file ({SECRET_VARS}, "
                "or venue.key_file, venue.secret_file, telegram.token_file), not in the config",
            )
        if isinstance(value, Mapping):
            _refuse_secrets(value, path + ".")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, Mapping):
                    _refuse_secrets(item, f"{path}[{i}].")


def _stringify_faults(tree: dict[str, Any]) -> None:
    faults = tree.get("sim", {}).get("faults")
    if isinstance(faults, dict):
        for name, value in faults.items():
            if isinstance(value, bool):
                faults[name] = "true" if value else "false"
            elif isinstance(value, (int, float)):
                faults[name] = str(value)
            elif not isinstance(value, str):
                raise ConfigError(f"sim.faults.{name}", "must be a string, number or boolean")


def _defaults() -> dict[str, Any]:
    tree: dict[str, Any] = msgspec.to_builtins(Config())
    tree.pop("secrets")
    return tree


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _paths(tree: Mapping[str, Any], prefix: str) -> set[str]:
    out: set[str] = set()
    for key, value in tree.items():
        out.add(prefix + key)
        if isinstance(value, Mapping):
            out |= _paths(value, f"{prefix}{key}.")
    return out


def _with_params(config: Config, origins: Mapping[str, str]) -> Config:
    """Replace the raw ``[strategy.params]`` table with the strategy's own Params."""
    strategy = config.strategy
    try:
        cls = strategy_factory(strategy.name)
    except ParamError as exc:
        raise ConfigError("strategy.name", str(exc), origins.get("strategy.name", "")) from None
    raw = strategy.params
    if not isinstance(raw, dict):
        raise ConfigError("strategy.params", "must be a table")
    fields = cls.Params.__struct_fields__
    for name in raw:
        if name not in fields:
            key = f"strategy.params.{name}"
            known = ", ".join(sorted(fields))
            message = f"unknown parameter of {strategy.name} (known: {known})"
            raise ConfigError(key, message, origins.get(key, ""))
    try:
        params = msgspec.convert(raw, cls.Params, strict=False)
    except (msgspec.ValidationError, ValueError) as exc:
        raise from_validation(exc, cls.Params, "strategy.params.", origins) from None
    return msgspec.structs.replace(
        config, strategy=msgspec.structs.replace(strategy, params=params)
    )


def _resolve_venue(config: Config) -> Config:
    venue: VenueConfig = config.venue
    if venue.kind != "alpaca" or (venue.url and venue.data_url):
        return config
    venue = msgspec.structs.replace(
        venue, url=venue.url or ALPACA_PAPER_URL, data_url=venue.data_url or ALPACA_DATA_URL
    )
    return msgspec.structs.replace(config, venue=venue)


def _dec_hook(type_: type, obj: Any) -> Any:
    if type_ is SecretStr and isinstance(obj, str):
        return SecretStr(obj)
    raise NotImplementedError(f"cannot convert {type(obj).__name__} to {type_.__name__}")


def _mask(obj: Any) -> Any:
    if isinstance(obj, SecretStr):
        return MASK
    raise NotImplementedError(f"cannot encode {type(obj).__name__}")
