"""Settings: enabled or not, allow-list from the section or TELEGRAM_ALLOWED_USERS, fail closed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Role
from bot.settings import SettingsError
from bot.settings import load_settings
from bot.settings import parse_users

USERS = [{"id": 1, "role": "admin"}, {"id": 2, "role": "viewer"}]
TOKEN = "1234:settings-test-token"
HOOK_SECRET = "settings-test-webhook-secret-32ch"  # 32+ of A-Z a-z 0-9 _ -


def test_not_enabled_means_nothing_to_do() -> None:
    assert load_settings(None, None, {}) is None
    assert load_settings({"enabled": False, "allowed_users": USERS}, TOKEN, {}) is None


def test_enabled_with_an_empty_allow_list_is_refused() -> None:
    with pytest.raises(SettingsError, match="empty allow-list"):
        load_settings({"enabled": True, "allowed_users": []}, TOKEN, {})


def test_users_from_the_environment_replace_the_section() -> None:
    s = load_settings(
        {"enabled": True, "allowed_users": USERS}, TOKEN, {"TELEGRAM_ALLOWED_USERS": "9:trader"}
    )
    assert s is not None and dict(s.users) == {9: Role.TRADER}
    s = load_settings({"enabled": True}, TOKEN, {"TELEGRAM_ALLOWED_USERS": "5:admin,6:viewer"})
    assert s is not None and dict(s.users) == {5: Role.ADMIN, 6: Role.VIEWER}


@pytest.mark.parametrize("text", ["5", "5:boss", "x:admin", "5:admin,5:viewer", "0:admin", ""])
def test_bad_user_lists_are_refused(text: str) -> None:
    with pytest.raises(SettingsError):
        parse_users(text)


def test_token_from_the_secret_the_file_or_the_environment(tmp_path: Path) -> None:
    raw = {"enabled": True, "allowed_users": USERS}
    s = load_settings(raw, "1:SECRET", {})
    assert s is not None and s.token == "1:SECRET" and "SECRET" not in repr(s)
    file = tmp_path / "token"
    file.write_text("2:FILE\n")
    file.chmod(0o600)  # private, as a secret file must be
    s = load_settings({**raw, "token_file": str(file)}, None, {})
    assert s is not None and s.token == "2:FILE"
    s = load_settings(raw, None, {"TELEGRAM_BOT_TOKEN": "3:ENV"})
    assert s is not None and s.token == "3:ENV"
    with pytest.raises(SettingsError, match="no bot token"):
        load_settings(raw, None, {})


def test_api_url_points_ptb_at_a_local_server() -> None:
    env = {"TELEGRAM_API_URL": "http://127.0.0.1:8081/"}
    s = load_settings({"enabled": True, "allowed_users": USERS}, TOKEN, env)
    assert s is not None
    assert s.base_url == "http://127.0.0.1:8081/bot"
    assert s.base_file_url == "http://127.0.0.1:8081/file/bot"


def test_webhook_and_advanced_knobs() -> None:
    env = {
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg/hook",
        "TELEGRAM_WEBHOOK_SECRET": HOOK_SECRET,
    }
    raw = {
        "enabled": True,
        "allowed_users": USERS,
        "confirm_ttl_s": 5,
        "rate_limits": {"chat_per_s": 2},
    }
    s = load_settings(raw, TOKEN, env)
    assert s is not None and s.webhook is not None
    assert (s.webhook.path, s.webhook.secret_token) == ("/tg/hook", HOOK_SECRET)
    assert s.confirm_ttl_s == 5 and s.limits.chat_per_s == 2 and s.limits.global_per_s == 25
    with pytest.raises(SettingsError, match="https"):
        load_settings(raw, TOKEN, {"TELEGRAM_WEBHOOK_URL": "http://bot.example.org/hook"})
    with pytest.raises(SettingsError, match="unknown keys"):
        load_settings({**raw, "rate_limits": {"nope": 1}}, TOKEN, {})
    with pytest.raises(SettingsError, match="positive"):
        load_settings({**raw, "confirm_ttl_s": 0}, TOKEN, {})
