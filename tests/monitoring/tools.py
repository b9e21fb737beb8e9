"""Real Prometheus, promtool, Alertmanager and amtool, run as the tests need them."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from typing import TypeVar

import pytest

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PROMETHEUS_DIR = DEPLOY / "prometheus"
ALERTMANAGER_DIR = DEPLOY / "alertmanager"
DASHBOARDS_DIR = DEPLOY / "grafana" / "dashboards"
PROVISIONING_DIR = DEPLOY / "grafana" / "provisioning"
DOCS = ROOT / "docs" / "monitoring.md"


def tool(name: str) -> str:
    """The path of a required binary (scripts/test.sh installs them): fail, never skip."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} not found: install Debian's prometheus and prometheus-alertmanager")
    return path


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


def edited_copy(source: Path, changes: dict[str, str], directory: Path, folder: str) -> Path:
    """``source`` with each of ``changes`` made (each must still be there), written into
    a new ``directory`` beside a copy of ``folder`` from ``source``'s directory."""
    text = source.read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text, f"{source.name} no longer has {old!r}: update this test"
        text = text.replace(old, new)
    directory.mkdir(parents=True)
    shutil.copytree(source.parent / folder, directory / folder)
    path = directory / source.name
    path.write_text(text, encoding="utf-8")
    return path


def promtool_check_metrics(text: str) -> subprocess.CompletedProcess[str]:
    """``promtool check metrics`` on an exposition (lint: names, units, types)."""
    return subprocess.run(
        [tool("promtool"), "check", "metrics"],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def process(args: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A child process, terminated (then killed) on the way out whatever happens."""
    with log.open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


async def eventually(
    check: Callable[[], Awaitable[T | None]], timeout: float, what: str, every: float = 0.2
) -> T:
    """Poll ``check`` until it returns something other than None or False."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result is not None and result is not False:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        await asyncio.sleep(every)


# -- dashboards --------------------------------------------------------------------

_GRAFANA_INTERVALS = re.compile(r"\$__(rate_interval|interval|range)\b")
_VARIABLE = re.compile(r"\$\{?(\w+)\}?")


def substitute(expr: str) -> str:
    """A panel expression as Prometheus would get it: intervals 1m, variables ``.*``."""
    return _VARIABLE.sub(".*", _GRAFANA_INTERVALS.sub("1m", expr))


def dashboards() -> dict[str, dict[str, Any]]:
    return {
        p.name: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(DASHBOARDS_DIR.glob("*.json"))
    }


def panel_targets() -> list[tuple[str, str, str, str]]:
    """(dashboard file, panel title, refId, expr) of every query of every panel."""
    out = []
    for name, board in dashboards().items():
        for panel in board["panels"]:
            for t in panel.get("targets", []):
                out.append((name, panel["title"], t["refId"], t["expr"]))
    return out
