"""deploy/prometheus: promtool accepts the config and rules, the rule unit tests
pass, and every alert is annotated, documented and tested both ways."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.monitoring.tools import DOCS
from tests.monitoring.tools import PROMETHEUS_DIR
from tests.monitoring.tools import run
from tests.monitoring.tools import tool

RULES = sorted((PROMETHEUS_DIR / "rules").glob("*.yml"))
TESTS = sorted((PROMETHEUS_DIR / "tests").glob("*.test.yml"))
ALERTS_FILE = PROMETHEUS_DIR / "rules" / "scalpbot-alerts.yml"
ALERTS_TEST = PROMETHEUS_DIR / "tests" / "scalpbot-alerts.test.yml"


def alert_blocks() -> dict[str, str]:
    """Alert name -> the text of its rule in the alerts file."""
    text = ALERTS_FILE.read_text(encoding="utf-8")
    parts = re.split(r"^\s*- alert:\s*", text, flags=re.M)[1:]
    blocks = {}
    for part in parts:
        name, _, body = part.partition("\n")
        blocks[name.strip()] = body.split("\n  - name:")[0]
    return blocks


def test_promtool_checks_the_config_and_its_rule_files() -> None:
    checked = run(tool("promtool"), "check", "config", PROMETHEUS_DIR / "prometheus.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"{len(RULES)} rule files found" in checked.stdout


def test_promtool_checks_the_rules() -> None:
    assert len(RULES) == 2
    checked = run(tool("promtool"), "check", "rules", *RULES)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_promtool_rule_unit_tests_pass() -> None:
    assert TESTS
    tested = run(tool("promtool"), "test", "rules", *TESTS)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert tested.stdout.count("SUCCESS") == len(TESTS)


def test_the_scrape_job_is_scalpbot_on_its_default_port_every_5s() -> None:
    text = (PROMETHEUS_DIR / "prometheus.yml").read_text(encoding="utf-8")
    job = text.split("- job_name: scalpbot", 1)[1].split("- job_name:", 1)[0]
    assert "scrape_interval: 5s" in job
    assert '"127.0.0.1:9108"' in job
    assert "metrics_path: /metrics" in job


def test_the_alerts_cover_what_the_issue_asks_for() -> None:
    names = set(alert_blocks())
    assert {
        "ScalpbotDown",
        "ScalpbotAbsent",
        "ScalpbotFeedDisconnected",
        "ScalpbotFeedStale",
        "ScalpbotDailyLossWarning",
        "ScalpbotDailyLossTripped",
        "ScalpbotDrawdownHigh",
        "ScalpbotRejectionRateHigh",
        "ScalpbotTickToTradeSlow",
        "ScalpbotReconciliationMismatch",
        "ScalpbotTelegramBacklog",
        "ScalpbotEventLoopLagHigh",
    } <= names


@pytest.mark.parametrize("name", sorted(alert_blocks()))
def test_each_alert_has_severity_annotations_and_a_runbook(name: str) -> None:
    block = alert_blocks()[name]
    assert re.search(r"severity: (critical|warning)\b", block), block
    for key in ("summary", "description"):
        assert re.search(rf"^\s+{key}: \S", block, re.M), f"{name} has no {key}"
    assert f'runbook: "docs/monitoring.md#{name.lower()}"' in block
    docs = DOCS.read_text(encoding="utf-8")
    assert re.search(rf"^### {name}$", docs, re.M), f"docs/monitoring.md has no runbook for {name}"


def _cases(test_file: Path) -> list[tuple[str, bool]]:
    """(alertname, fires) of every alert_rule_test case in a promtool test file."""
    text = test_file.read_text(encoding="utf-8")
    chunks = re.split(r"(?=\beval_time:)", text)[1:]
    out = []
    for chunk in chunks:
        name = re.search(r"alertname:\s*(\w+)", chunk)
        assert name is not None, chunk
        quiet = re.search(r"exp_alerts:\s*\[\]", chunk) is not None
        fires = "exp_labels:" in chunk
        assert quiet != fires, chunk
        out.append((name.group(1), fires))
    return out


@pytest.mark.parametrize("name", sorted(alert_blocks()))
def test_each_alert_is_tested_firing_and_quiet(name: str) -> None:
    cases = _cases(ALERTS_TEST)
    assert (name, True) in cases, f"no test where {name} fires"
    assert (name, False) in cases, f"no test where {name} stays quiet"
