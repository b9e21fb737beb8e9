"""End to end: a real Prometheus scrapes a running scalpbot with the repo's rules.

Every query of every dashboard panel returns data, and when the venue stops
sending market data the feed-stale alert goes pending.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp

from engine.venues.sim import SimVenue
from tests.engine.runtime.conftest import until
from tests.monitoring.conftest import Bot
from tests.monitoring.tools import PROMETHEUS_DIR
from tests.monitoring.tools import edited_copy
from tests.monitoring.tools import eventually
from tests.monitoring.tools import free_port
from tests.monitoring.tools import panel_targets
from tests.monitoring.tools import process
from tests.monitoring.tools import run
from tests.monitoring.tools import substitute
from tests.monitoring.tools import tool

# The repo's prometheus.yml, made to scrape the test's ports every second.
_FAST = {
    "scrape_interval: 15s": "scrape_interval: 1s",
    "scrape_timeout: 10s": "scrape_timeout: 1s",
    "evaluation_interval: 5s": "evaluation_interval: 1s",
    "scrape_interval: 5s": "scrape_interval: 1s",
    "scrape_timeout: 4s": "scrape_timeout: 1s",
}


def fast_config(directory: Path, bot_port: int, prom_port: int, am_port: int) -> Path:
    changes = {
        **_FAST,
        '"127.0.0.1:9108"': f'"127.0.0.1:{bot_port}"',
        '"127.0.0.1:9090"': f'"127.0.0.1:{prom_port}"',
        '"127.0.0.1:9093"': f'"127.0.0.1:{am_port}"',
    }
    path = edited_copy(PROMETHEUS_DIR / "prometheus.yml", changes, directory, "rules")
    checked = run(tool("promtool"), "check", "config", path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return path


class Api:
    def __init__(self, http: aiohttp.ClientSession, port: int) -> None:
        self.http = http
        self.base = f"http://127.0.0.1:{port}"

    async def get(self, path: str, **params: str) -> Any:
        async with self.http.get(f"{self.base}{path}", params=params) as r:
            body = await r.json()
            assert r.status == 200 and body["status"] == "success", body
            return body["data"]

    async def ready(self) -> bool:
        try:
            async with self.http.get(f"{self.base}/-/ready") as r:
                return r.status == 200
        except aiohttp.ClientError:
            return False

    async def query(self, expr: str) -> list[Any]:
        data = await self.get("/api/v1/query", query=expr)
        result: list[Any] = data["result"]
        return result


async def test_prometheus_answers_every_panel_and_sees_a_stale_feed(
    bot: Bot, venue: SimVenue, tmp_path: Path
) -> None:
    prom_port = free_port()
    config = fast_config(
        tmp_path / "prometheus", bot.runtime.http_port or 0, prom_port, free_port()
    )
    args = [
        tool("prometheus"),
        f"--config.file={config}",
        f"--storage.tsdb.path={tmp_path / 'tsdb'}",
        f"--web.listen-address=127.0.0.1:{prom_port}",
        "--log.level=warn",
    ]
    with process(args, tmp_path / "prometheus.log") as proc:
        async with aiohttp.ClientSession() as http:
            api = Api(http, prom_port)

            async def ready() -> bool:
                assert proc.poll() is None, (tmp_path / "prometheus.log").read_text()
                return await api.ready()

            await eventually(ready, 30, "Prometheus to be ready")

            async def scraped() -> bool:
                return bool(await api.query('up{job="scalpbot"} == 1'))

            await eventually(scraped, 20, "a successful scrape of scalpbot")
            await _a_rejection(bot)
            await _every_panel_answers(api)
            await _rules_are_healthy(api)

            venue.stall(120)  # connections stay up, market data stops

            async def stale_alert() -> list[Any] | None:
                alerts = (await api.get("/api/v1/alerts"))["alerts"]
                found = [a for a in alerts if a["labels"]["alertname"] == "ScalpbotFeedStale"]
                return found or None

            alerts = await eventually(stale_alert, 20, "ScalpbotFeedStale to go pending")
            assert {a["state"] for a in alerts} <= {"pending", "firing"}
            assert {a["labels"]["symbol"] for a in alerts} <= {
                s.symbol for s in venue.config.symbols
            }
            assert all(a["labels"]["severity"] == "warning" for a in alerts)


async def _a_rejection(bot: Bot) -> None:
    """A spread limit nothing can meet, until the risk gate has denied something."""
    control = bot.runtime.control
    assert control is not None
    limits = await control.limits()
    await control.set_limit("max_spread_bps", "0.0001", "test")
    counts = bot.plugin.counts
    assert counts is not None

    def denied() -> bool:
        return any(labels[2] == "risk" for labels in counts.counts[_rejections()])

    try:
        await until(denied, 20, "a risk denial")
    finally:
        await control.set_limit("max_spread_bps", str(limits["max_spread_bps"]), "test")


def _rejections() -> Any:
    from monitoring import metrics

    return metrics.REJECTIONS


async def _every_panel_answers(api: Api) -> None:
    queries = panel_targets()
    assert len(queries) > 50

    async def empty() -> list[str] | None:
        missing = [
            f"{board} / {title} / {ref}: {expr}"
            for board, title, ref, expr in queries
            if not await api.query(substitute(expr))
        ]
        return missing or None

    async def answered() -> bool:
        return await empty() is None

    try:
        await eventually(answered, 40, "every dashboard query to return data", every=1.0)
    except AssertionError:
        missing = await empty() or []
        raise AssertionError("panels without data:\n" + "\n".join(missing)) from None


async def _rules_are_healthy(api: Api) -> None:
    groups = (await api.get("/api/v1/rules"))["groups"]
    names = {g["name"] for g in groups}
    assert names == {
        "scalpbot-recording",
        "scalpbot-process",
        "scalpbot-market",
        "scalpbot-trading",
    }
    for group in groups:
        for rule in group["rules"]:
            assert rule["health"] in ("ok", "unknown"), rule
            if rule["type"] == "alerting":
                assert {"summary", "description", "runbook"} <= set(rule["annotations"]), rule
