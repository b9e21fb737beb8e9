"""The source of scalpbot's Grafana dashboards: trading, execution quality, system.

``python -m monitoring.dashboards deploy/grafana/dashboards`` writes the JSON files
that Grafana's file provisioning loads (``--check`` only compares). Edit here,
regenerate, commit both; a test fails when they differ. Builders and shared
filters are in :mod:`monitoring.grafana`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from monitoring.dashboards import execution, system, trading

DASHBOARDS = {
    "scalpbot-trading.json": trading.build,
    "scalpbot-execution.json": execution.build,
    "scalpbot-system.json": system.build,
}


def render() -> dict[str, str]:
    """File name -> JSON text of every dashboard."""
    return {
        name: json.dumps(build(), indent=2, ensure_ascii=False) + "\n"
        for name, build in DASHBOARDS.items()
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
