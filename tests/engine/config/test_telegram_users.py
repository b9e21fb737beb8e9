"""TELEGRAM_ALLOWED_USERS: the allow-list from the environment satisfies the safety check."""

from __future__ import annotations

import pytest

from engine.config import ConfigError
from tests.engine.config.conftest import Load

TOKEN = {"TELEGRAM_BOT_TOKEN": "123:ABC"}


def test_users_from_the_environment_let_an_enabled_bot_start(load: Load) -> None:
    env = {**TOKEN, "TELEGRAM_ALLOWED_USERS": "111:admin, 222:Viewer,333:trader"}
    config = load("[telegram]\nenabled = true", env)
    users = {(u.id, u.role) for u in config.telegram.allowed_users}
    assert users == {(111, "admin"), (222, "viewer"), (333, "trader")}


def test_the_environment_replaces_the_files_list(load: Load) -> None:
    text = '[telegram]\nenabled = true\nallowed_users = [{id = 42, role = "admin"}]'
    config = load(text, {**TOKEN, "TELEGRAM_ALLOWED_USERS": "7:viewer"})
    assert [(u.id, u.role) for u in config.telegram.allowed_users] == [(7, "viewer")]


def test_enabled_with_neither_list_is_still_refused(load: Load) -> None:
    with pytest.raises(ConfigError) as err:
        load("[telegram]\nenabled = true", {**TOKEN, "TELEGRAM_ALLOWED_USERS": "  "})
    assert err.value.key == "telegram.allowed_users"
    assert "TELEGRAM_ALLOWED_USERS" in err.value.message


@pytest.mark.parametrize(
    "value", ["111", "111:", "abc:admin", "111:admin,,222:viewer", "-5:admin", "111:boss"]
)
def test_a_malformed_list_is_refused_naming_the_variable(load: Load, value: str) -> None:
    with pytest.raises(ConfigError) as err:
        load("[telegram]\nenabled = true", {**TOKEN, "TELEGRAM_ALLOWED_USERS": value})
    assert err.value.key.startswith("telegram.allowed_users")
    assert err.value.source == "TELEGRAM_ALLOWED_USERS"


def test_both_environment_forms_at_once_are_refused(load: Load) -> None:
    env = {
        **TOKEN,
        "TELEGRAM_ALLOWED_USERS": "1:admin",
        "SCALPBOT__TELEGRAM__ALLOWED_USERS": '[{id = 2, role = "admin"}]',
    }
    with pytest.raises(ConfigError) as err:
        load("[telegram]\nenabled = true", env)
    assert "use one" in err.value.message
