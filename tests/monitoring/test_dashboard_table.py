"""monitoring.dashboards.table: a board of rows and panels rendered to Grafana JSON.

The committed dashboards in deploy/grafana/dashboards are the golden output: they
were captured before the builders became tables and have not changed since
(test_dashboards.py compares them byte for byte with what the tables render).
"""

from __future__ import annotations

from monitoring.dashboards.table import BarGauge
from monitoring.dashboards.table import Board
from monitoring.dashboards.table import Row
from monitoring.dashboards.table import Series
from monitoring.dashboards.table import Stat
from monitoring.dashboards.table import render
from monitoring.grafana import DATASOURCE


def test_queries_become_targets_a_b_c_in_order() -> None:
    board = Board("u-table-test", "t", "d", [Series("S", 12, [("up", "x"), ("up * 2", "")])])
    (panel,) = render(board)["panels"]
    assert panel["type"] == "timeseries"
    assert [(t["refId"], t["expr"], t["legendFormat"]) for t in panel["targets"]] == [
        ("A", "up", "x"),
        ("B", "up * 2", "__auto"),
    ]
    assert all(
        t["range"] and not t["instant"] and t["datasource"] == DATASOURCE for t in panel["targets"]
    )


def test_an_instant_panel_asks_every_query_for_one_value() -> None:
    board = Board(
        "u-table-test", "t", "d", [BarGauge("B", 12, [("up", "a"), ("up", "b")], instant=True)]
    )
    (panel,) = render(board)["panels"]
    assert panel["type"] == "bargauge"
    assert [(t["instant"], t["range"]) for t in panel["targets"]] == [(True, False), (True, False)]


def test_panels_are_numbered_and_placed_in_table_order() -> None:
    board = Board(
        "u-table-test",
        "t",
        "d",
        [
            Row("first"),
            Stat("a", 16, [("up", "")], h=4),
            Stat("b", 8, [("up", "")], h=5),
            Series("c", 12, [("up", "")]),
            Row("second"),
            Series("d", 24, [("up", "")], h=3),
        ],
    )
    placed = [(p["id"], p["type"], p["title"], p["gridPos"]) for p in render(board)["panels"]]
    assert placed == [
        (1, "row", "first", {"x": 0, "y": 0, "w": 24, "h": 1}),
        (2, "stat", "a", {"x": 0, "y": 1, "w": 16, "h": 4}),
        (3, "stat", "b", {"x": 16, "y": 1, "w": 8, "h": 5}),
        (4, "timeseries", "c", {"x": 0, "y": 6, "w": 12, "h": 8}),
        (5, "row", "second", {"x": 0, "y": 14, "w": 24, "h": 1}),
        (6, "timeseries", "d", {"x": 0, "y": 15, "w": 24, "h": 3}),
    ]


def test_field_options_reach_the_panel_defaults() -> None:
    stat = Stat("s", 4, [("up", "")], unit="s", decimals=1, minimum=0, maximum=9, description="why")
    (panel,) = render(Board("u-table-test", "t", "d", [stat]))["panels"]
    defaults = panel["fieldConfig"]["defaults"]
    assert (defaults["unit"], defaults["decimals"], defaults["min"], defaults["max"]) == (
        "s",
        1,
        0,
        9,
    )
    assert panel["description"] == "why"
