"""deploy/alertmanager: amtool accepts it, routes by severity, and a real
Alertmanager 0.25 delivers to (a fake) Telegram with inhibition applied."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.kit.fake_telegram_alertmanager import FakeTelegram
from tests.monitoring.tools import ALERTMANAGER_DIR
from tests.monitoring.tools import edited_copy
from tests.monitoring.tools import eventually
from tests.monitoring.tools import free_port
from tests.monitoring.tools import process
from tests.monitoring.tools import run
from tests.monitoring.tools import tool

CONFIG = ALERTMANAGER_DIR / "alertmanager.yml"


def test_amtool_accepts_the_config() -> None:
    checked = run(tool("amtool"), "check-config", CONFIG)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS" in checked.stdout
    assert "1 templates" in checked.stdout  # the message template file was found


@pytest.mark.parametrize(
    ("labels", "receiver"),
    [
        (["severity=critical", "alertname=ScalpbotDown"], "telegram-critical"),
        (["severity=warning", "alertname=ScalpbotFeedStale"], "telegram-warning"),
        (["alertname=SomethingElse"], "telegram-warning"),
    ],
)
def test_routes_by_severity(labels: list[str], receiver: str) -> None:
    routed = run(tool("amtool"), "config", "routes", "test", f"--config.file={CONFIG}", *labels)
    assert routed.returncode == 0, routed.stdout + routed.stderr
    assert routed.stdout.strip() == receiver


def test_the_token_is_a_placeholder_to_replace() -> None:
    text = CONFIG.read_text(encoding="utf-8")
    tokens = set(re.findall(r"bot_token:\s*(\S+)", text))
    assert tokens == {"REPLACE_WITH_TELEGRAM_BOT_TOKEN"}
    assert not re.search(r"^\s*bot_token_file:", text, re.M)  # 0.26+ only; 0.25 refuses it


def _local_copy(directory: Path, api_url: str) -> Path:
    """The repo's config with Telegram on loopback and short group waits."""
    changes = {
        "api_url: https://api.telegram.org": f"api_url: {api_url}",
        "group_wait: 10s": "group_wait: 1s",
        "group_wait: 5s": "group_wait: 1s",
    }
    return edited_copy(CONFIG, changes, directory, "templates")


def _alert(name: str, severity: str, **labels: str) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    return {
        "labels": {"alertname": name, "severity": severity, "job": "scalpbot", **labels},
        "annotations": {
            "summary": f"{name} on {labels.get('instance', '?')} <b>&",
            "description": "what happened",
            "runbook": f"docs/monitoring.md#{name.lower()}",
        },
        "startsAt": now.isoformat(),
        "endsAt": (now + dt.timedelta(minutes=10)).isoformat(),
    }


async def test_alertmanager_sends_to_telegram_and_inhibits(tmp_path: Path) -> None:
    telegram = FakeTelegram()
    api_url = await telegram.start()
    port = free_port()
    config = _local_copy(tmp_path / "am", api_url)
    args = [
        tool("prometheus-alertmanager"),
        f"--config.file={config}",
        f"--storage.path={tmp_path / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--cluster.listen-address=",
        "--log.level=warn",
    ]
    base = f"http://127.0.0.1:{port}"
    try:
        with process(args, tmp_path / "alertmanager.log") as proc:
            async with aiohttp.ClientSession() as http:

                async def ready() -> bool:
                    assert proc.poll() is None, (tmp_path / "alertmanager.log").read_text()
                    try:
                        async with http.get(f"{base}/-/ready") as r:
                            return r.status == 200
                    except aiohttp.ClientError:
                        return False

                await eventually(ready, 20, "Alertmanager to be ready")
                alerts = [
                    _alert("ScalpbotDown", "critical", instance="bot:9108"),
                    _alert(
                        "ScalpbotFeedStale",
                        "warning",
                        instance="bot:9108",
                        venue="sim",
                        symbol="BTCUSD",
                    ),
                    _alert(
                        "ScalpbotDailyLossWarning", "warning", instance="other:9108", venue="sim"
                    ),
                ]
                async with http.post(f"{base}/api/v2/alerts", json=alerts) as r:
                    assert r.status == 200, await r.text()

                async def sent() -> bool:
                    return len(telegram.messages()) >= 2

                await eventually(sent, 20, "two Telegram messages")
                async with http.get(f"{base}/api/v2/alerts") as r:
                    state = {a["labels"]["alertname"]: a["status"] for a in await r.json()}
    finally:
        await telegram.stop()

    assert state["ScalpbotFeedStale"]["state"] == "suppressed"
    assert state["ScalpbotFeedStale"]["inhibitedBy"]
    assert state["ScalpbotDown"]["state"] == "active"
    by_alert = {}
    for call in telegram.messages():
        assert call.token == "REPLACE_WITH_TELEGRAM_BOT_TOKEN"
        assert int(call.params["chat_id"]) == -1001234567890
        assert call.params.get("parse_mode") == "HTML"
        name = re.search(r"Scalpbot\w+", call.params["text"])
        assert name is not None, call.params
        by_alert[name.group(0)] = call.params
    assert set(by_alert) == {"ScalpbotDown", "ScalpbotDailyLossWarning"}  # FeedStale inhibited
    down, warning = by_alert["ScalpbotDown"], by_alert["ScalpbotDailyLossWarning"]
    assert "FIRING" in down["text"] and "[critical]" in down["text"]
    assert "&lt;b&gt;&amp;" in down["text"]  # annotations are escaped for HTML
    assert "docs/monitoring.md#scalpbotdown" in down["text"]
    assert not _flag(down, "disable_notification")  # critical: loud
    assert _flag(warning, "disable_notification")  # warning: silent


def _flag(params: dict[str, Any], key: str) -> bool:
    """A boolean parameter, sent as form text ("true") or JSON."""
    return str(params.get(key, "false")).lower() == "true"
