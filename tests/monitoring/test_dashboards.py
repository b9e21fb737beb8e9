"""deploy/grafana: the provisioning files and the dashboards they load.

Grafana is not installable here, so the dashboards are checked offline: their
structure, every PromQL expression parsed by the real promtool, and every metric
they (and the alert rules) name found in a real scrape of the exporter.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest

from monitoring import dashboards as source
from monitoring.grafana import DATASOURCE_UID
from monitoring.grafana import GRID_WIDTH
from tests.monitoring.conftest import Bot
from tests.monitoring.tools import DASHBOARDS_DIR
from tests.monitoring.tools import PROMETHEUS_DIR
from tests.monitoring.tools import PROVISIONING_DIR
from tests.monitoring.tools import dashboards
from tests.monitoring.tools import panel_targets
from tests.monitoring.tools import run
from tests.monitoring.tools import substitute
from tests.monitoring.tools import tool

BOARDS = dashboards()


def test_the_committed_json_is_what_the_source_generates() -> None:
    assert set(BOARDS) == set(source.DASHBOARDS)
    for name, text in source.render().items():
        assert (DASHBOARDS_DIR / name).read_text(encoding="utf-8") == text, (
            f"{name} is stale: python -m monitoring.dashboards deploy/grafana/dashboards"
        )


def test_the_datasource_is_provisioned_with_the_uid_the_dashboards_use() -> None:
    text = (PROVISIONING_DIR / "datasources" / "prometheus.yml").read_text(encoding="utf-8")
    assert re.search(r"^apiVersion: 1$", text, re.M)
    assert re.search(rf"^\s+uid: {DATASOURCE_UID}$", text, re.M)
    assert re.search(r"^\s+type: prometheus$", text, re.M)
    assert re.search(r"^\s+url: http://127\.0\.0\.1:9090$", text, re.M)


def test_the_dashboard_provider_loads_files() -> None:
    text = (PROVISIONING_DIR / "dashboards" / "scalpbot.yml").read_text(encoding="utf-8")
    assert re.search(r"^apiVersion: 1$", text, re.M)
    assert re.search(r"^\s+type: file$", text, re.M)
    assert re.search(r"^\s+path: /\S+$", text, re.M)


def test_uids_and_titles_are_unique_and_no_export_inputs_remain() -> None:
    uids = [b["uid"] for b in BOARDS.values()]
    titles = [b["title"] for b in BOARDS.values()]
    assert len(set(uids)) == len(uids) and len(set(titles)) == len(titles)
    for name, board in BOARDS.items():
        assert 8 <= len(board["uid"]) <= 40, name
        assert "id" not in board or board["id"] is None
        assert isinstance(board["schemaVersion"], int)
        raw = (DASHBOARDS_DIR / name).read_text(encoding="utf-8")
        assert "__inputs" not in raw and "${DS_" not in raw, name


@pytest.mark.parametrize("name", sorted(BOARDS))
def test_panels_fit_the_grid_without_overlapping(name: str) -> None:
    panels = BOARDS[name]["panels"]
    ids = [p["id"] for p in panels]
    assert len(set(ids)) == len(ids)
    boxes = []
    for p in panels:
        g = p["gridPos"]
        assert g["w"] >= 1 and g["h"] >= 1 and g["x"] >= 0 and g["y"] >= 0, p["title"]
        assert g["x"] + g["w"] <= GRID_WIDTH, p["title"]
        boxes.append((p["title"], g["x"], g["y"], g["x"] + g["w"], g["y"] + g["h"]))
    for a, b in itertools.combinations(boxes, 2):
        apart = a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2]
        assert apart, f"{a[0]} overlaps {b[0]}"


@pytest.mark.parametrize("name", sorted(BOARDS))
def test_every_query_names_the_provisioned_datasource(name: str) -> None:
    board = BOARDS[name]
    for p in board["panels"]:
        if p["type"] == "row":
            continue
        assert p["targets"], p["title"]
        assert p["datasource"]["uid"] == DATASOURCE_UID, p["title"]
        refs = [t["refId"] for t in p["targets"]]
        assert len(set(refs)) == len(refs), p["title"]
        for t in p["targets"]:
            assert t["datasource"] == {"type": "prometheus", "uid": DATASOURCE_UID}, p["title"]
            assert t["expr"].strip(), p["title"]
    for var in board["templating"]["list"]:
        assert var["datasource"]["uid"] == DATASOURCE_UID
    assert {v["name"] for v in board["templating"]["list"]} == {"instance", "venue", "symbol"}
    for ann in board["annotations"]["list"]:
        if "expr" in ann:
            assert ann["datasource"]["uid"] == DATASOURCE_UID


def _variable_selectors(board: dict[str, Any]) -> list[str]:
    """The series selector inside each ``label_values(selector, label)`` variable query."""
    out = []
    for var in board["templating"]["list"]:
        query = var["query"]["query"] if isinstance(var["query"], dict) else var["query"]
        match = re.fullmatch(r"label_values\((.+),\s*\w+\)", query)
        assert match, query
        out.append(match.group(1))
    return out


def all_expressions() -> list[tuple[str, str]]:
    """(where, expr) of every PromQL expression in the dashboards."""
    out = [(f"{b} / {t} / {r}", e) for b, t, r, e in panel_targets()]
    for name, board in BOARDS.items():
        out += [(f"{name} / variable", s) for s in _variable_selectors(board)]
        out += [
            (f"{name} / annotation", a["expr"]) for a in board["annotations"]["list"] if "expr" in a
        ]
    return out


def test_every_expression_parses_with_promtool(tmp_path: Path) -> None:
    rules = [
        {"record": f"dashboard:check_{i}", "expr": substitute(expr)}
        for i, (_, expr) in enumerate(all_expressions())
    ]
    path = tmp_path / "dashboard-queries.yml"  # JSON is YAML
    path.write_text(json.dumps({"groups": [{"name": "dashboards", "rules": rules}]}))
    checked = run(tool("promtool"), "check", "rules", path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {len(rules)} rules found" in checked.stdout


_METRIC = re.compile(r"\b((?:scalpbot|process|python)_[a-zA-Z0-9_]+)")
# Made by Prometheus itself, not the exporter.
_PROMETHEUS_OWN = {"up", "ALERTS"}


def _names(expr: str) -> set[str]:
    return set(_METRIC.findall(expr))


def used_metric_names() -> dict[str, str]:
    """Metric name -> one place it is used (dashboards and rule files)."""
    used: dict[str, str] = {}
    for where, expr in all_expressions():
        for name in _names(expr):
            used.setdefault(name, where)
    for rule_file in (PROMETHEUS_DIR / "rules").glob("*.yml"):
        for line in rule_file.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith(("summary:", "description:", "runbook:", "#")):
                continue
            for name in _names(line):
                used.setdefault(name, rule_file.name)
    return used


def exposed_names(text: str) -> set[str]:
    """Every series name a scrape declares (a family may have no sample yet)."""
    names = set()
    for kind_line in re.finditer(r"^# TYPE (\S+) (\S+)$", text, re.M):
        name, kind = kind_line.groups()
        names.add(name)
        if kind == "histogram":
            names |= {f"{name}_bucket", f"{name}_count", f"{name}_sum"}
    names |= set(re.findall(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", text, re.M))
    return names


async def test_every_metric_used_is_in_the_exporters_real_output(bot: Bot) -> None:
    _, text = await bot.scrape()
    exported = exposed_names(text)
    used = used_metric_names()
    assert len(used) > 40
    missing = {name: where for name, where in used.items() if name not in exported}
    assert not missing, missing
