"""The source of scalpbot's Grafana dashboards: trading, execution quality, system.

``python -m monitoring.dashboards deploy/grafana/dashboards`` writes the JSON files
that Grafana's file provisioning loads (``--check`` only compares). Edit here,
regenerate, commit both; a test fails when they differ. Each dashboard module is a
table (:mod:`monitoring.dashboards.table`); JSON builders and shared filters are in
:mod:`monitoring.grafana`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from monitoring.dashboards import execution
from monitoring.dashboards import system
from monitoring.dashboards import trading
from monitoring.dashboards.table import Board
from monitoring.dashboards.table import render as render_board

DASHBOARDS: dict[str, Board] = {
    "scalpbot-trading.json": trading.BOARD,
    "scalpbot-execution.json": execution.BOARD,
    "scalpbot-system.json": system.BOARD,
}


def render() -> dict[str, str]:
    """File name -> JSON text of every dashboard."""
    return {
        name: json.dumps(render_board(board), indent=2, ensure_ascii=False) + "\n"
        for name, board in DASHBOARDS.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write scalpbot's Grafana dashboards as JSON.")
    parser.add_argument("directory", type=Path, help="e.g. deploy/grafana/dashboards")
    parser.add_argument("--check", action="store_true", help="compare only; 1 if different")
    args = parser.parse_args(argv)
    stale = []
    for name, text in render().items():
        path = args.directory / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"out of date: {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0
