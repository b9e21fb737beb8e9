"""Secrets come only from the environment or files, and never show themselves."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from engine.config import ConfigError
from engine.config import SecretStr
from engine.config import config_hash
from engine.config import describe
from engine.config import secret
from tests.engine.config.conftest import ALPACA_ENV
from tests.engine.config.conftest import ALPACA_RISK
from tests.engine.config.conftest import Load
from tests.engine.config.conftest import alpaca

SECRET = "sEcReT-value-42"
KEY_ID = "AKTESTKEYID0001"


def test_secret_str_is_masked() -> None:
    s = SecretStr(SECRET)
    assert s.get_secret_value() == SECRET
    for shown in (repr(s), str(s), f"{s}", f"{s!r:>40}", repr([s]), repr({"k": s})):
        assert SECRET not in shown
    assert s == SecretStr(SECRET) and s != SecretStr("other")
    with pytest.raises(TypeError):
        pickle.dumps(s)


def test_alpaca_keys_come_from_the_environment(load: Load) -> None:
    config = load(ALPACA_RISK, ALPACA_ENV)
    assert config.secrets.alpaca_key_id == SecretStr(KEY_ID)
    assert config.secrets.alpaca_secret_key is not None
    assert config.secrets.alpaca_secret_key.get_secret_value() == SECRET
    for shown in (repr(config), str(config), describe(config), config_hash(config)):
        assert SECRET not in shown and KEY_ID not in shown


def test_alpaca_keys_from_files(load: Load, tmp_path: Path) -> None:
    (tmp_path / "k").write_text(KEY_ID + "\n")
    (tmp_path / "s").write_text(SECRET + "\n")
    for name in ("k", "s"):
        (tmp_path / name).chmod(0o600)  # private, as a secret file must be
    text = alpaca(f'key_file = "{tmp_path / "k"}"\nsecret_file = "{tmp_path / "s"}"')
    config = load(text, {})
    assert config.secrets.alpaca_secret_key == SecretStr(SECRET)
    assert SECRET not in repr(config)


@pytest.mark.parametrize(
    ("text", "env", "key"),
    [
        (ALPACA_RISK, {}, "venue.key_file"),
        (ALPACA_RISK, {"APCA_API_KEY_ID": KEY_ID}, "venue.secret_file"),
        (alpaca('key_file = "/nonexistent/k"'), {}, "venue.key_file"),
        (alpaca('key_file = "/dev/null"'), {}, "venue.key_file"),
        (alpaca('key_file = "/dev/null"'), ALPACA_ENV, "venue.key_file"),
        ('[telegram]\nenabled = true\nallowed_users = [{id = 1, role = "admin"}]', {},
         "telegram.token_file"),
    ],
)  # fmt: skip
def test_missing_or_ambiguous_credentials_refuse(
    load: Load, text: str, env: dict[str, str], key: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load(text, env)
    assert info.value.key == key
    assert SECRET not in str(info.value)


def test_credentials_can_be_left_out_for_a_dry_check(load: Load) -> None:
    config = load(ALPACA_RISK, {}, require_secrets=False)
    assert config.secrets.alpaca_key_id is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (f'[venue]\nkey = "{SECRET}"', "venue.key"),
        (f'[venue]\nsecret = "{SECRET}"', "venue.secret"),
        (f'[venue]\napi_key = "{SECRET}"', "venue.api_key"),
        (f'[telegram]\ntoken = "{SECRET}"', "telegram.token"),
        (f'[telegram]\nbot_token = "{SECRET}"', "telegram.bot_token"),
        (f'[secrets]\nalpaca_key_id = "{SECRET}"', "secrets"),
        (f'[store]\npassword = "{SECRET}"', "store.password"),
        (f'[telegram]\nallowed_users = [{{id = 1, role = "admin", token = "{SECRET}"}}]',
         "telegram.allowed_users[0].token"),
    ],
)  # fmt: skip
def test_secrets_written_in_the_file_are_refused(load: Load, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        load(text, ALPACA_ENV)
    assert info.value.key == key
    assert "environment or a file" in str(info.value)
    assert SECRET not in str(info.value)


def test_errors_never_echo_secrets(load: Load, write: Callable[[str], Path]) -> None:
    """A later error, with credentials loaded, says nothing of them."""
    with pytest.raises(ConfigError) as info:
        load(ALPACA_RISK + "[http]\nlisten = 'x'", ALPACA_ENV)
    assert SECRET not in str(info.value) and KEY_ID not in str(info.value)
    with pytest.raises(ConfigError) as info:
        load(None, {"SCALPBOT__STORE__URL": f"postgresql://bot:{SECRET}@db/x"})
    assert SECRET not in str(info.value)


def test_sim_credentials_may_be_written_and_stay_masked(load: Load) -> None:
    config = load(f'[sim]\nkey = "simkey"\nsecret = "{SECRET}"')
    assert config.sim.secret == SecretStr(SECRET)
    assert SECRET not in repr(config)
    assert SECRET not in describe(config)
    assert config_hash(config) == config_hash(load('[sim]\nkey = "simkey"\nsecret = "other"'))


def test_a_secret_folded_to_one_case_is_redacted_too() -> None:
    """Review (issue 11): python-telegram-bot lowercases a "Bad Request" answer's text,
    and a URL echoed in it carries the bot token lowercased, which was not redacted."""
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    secret.register(token, "telegram token")
    text = f"bad request: https://api.example/bot{token}/sendMessage".lower()
    assert token.lower() in text
    assert secret.redact(text) == "bad request: https://api.example/bot***/sendmessage"
    assert secret.redact(f"SHOUT {token.upper()}") == "SHOUT ***"
