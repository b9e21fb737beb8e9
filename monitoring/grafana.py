"""Small builders for Grafana dashboard JSON (schema 39, Grafana 10.4 to 11).

Every panel and target names the provisioned Prometheus datasource by its uid
(``DATASOURCE``), never ``${DS_...}`` inputs, which file provisioning does not
resolve. Panels are laid out left to right on Grafana's 24-column grid, a new
line whenever a panel would not fit; rows start a new line.
"""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]

DATASOURCE_UID = "scalpbot-prometheus"
DATASOURCE: JSON = {"type": "prometheus", "uid": DATASOURCE_UID}
SCHEMA_VERSION = 39
GRID_WIDTH = 24

# Label filters for the template variables (instance, venue, symbol).
INST = 'instance=~"$instance"'
VEN = f'{INST}, venue=~"$venue"'
SYM = f'{VEN}, symbol=~"$symbol"'
RATE = "$__rate_interval"
PROC = f'job="scalpbot", {INST}'  # process metrics: the bot's only, not Prometheus's


def target(expr: str, legend: str = "", ref: str = "A", *, instant: bool = False) -> JSON:
    return {
        "refId": ref,
        "datasource": DATASOURCE,
        "expr": expr,
        "legendFormat": legend or "__auto",
        "range": not instant,
        "instant": instant,
    }


def thresholds(*steps: tuple[float | None, str]) -> JSON:
    return {"mode": "absolute", "steps": [{"value": v, "color": c} for v, c in steps]}


GREEN = thresholds((None, "green"))
LOSS_STEPS = thresholds((None, "green"), (0.5, "orange"), (0.8, "red"))
SIGNED = thresholds((None, "red"), (0, "green"))


def mapping(values: dict[str, tuple[str, str]]) -> list[JSON]:
    """Value mappings: raw value -> (text, colour)."""
    options = {
        raw: {"text": text, "color": color, "index": i}
        for i, (raw, (text, color)) in enumerate(values.items())
    }
    return [{"type": "value", "options": options}]


UP_DOWN = mapping({"0": ("DOWN", "red"), "1": ("UP", "green")})
OK_TRIPPED = mapping({"0": ("ok", "green"), "1": ("TRIPPED", "red")})
YES_NO = mapping({"0": ("no", "red"), "1": ("yes", "green")})


class Layout:
    """Places panels on the 24-column grid and numbers them."""

    def __init__(self) -> None:
        self.panels: list[JSON] = []
        self._x = 0
        self._y = 0
        self._row_h = 0

    def row(self, title: str) -> None:
        self._newline()
        self._add({"type": "row", "title": title, "collapsed": False, "panels": []}, 24, 1)
        self._newline()

    def add(self, p: JSON, w: int, h: int = 8) -> None:
        if self._x + w > GRID_WIDTH:
            self._newline()
        self._add(p, w, h)

    def _add(self, p: JSON, w: int, h: int) -> None:
        p = {
            "id": len(self.panels) + 1,
            **p,
            "gridPos": {"x": self._x, "y": self._y, "w": w, "h": h},
        }
        self.panels.append(p)
        self._x += w
        self._row_h = max(self._row_h, h)

    def _newline(self) -> None:
        if self._x:
            self._y += self._row_h
        self._x, self._row_h = 0, 0


def variable(name: str, label: str, query: str) -> JSON:
    """A multi-value query variable; "All" matches everything (``.*``)."""
    return {
        "name": name,
        "label": label,
        "type": "query",
        "datasource": DATASOURCE,
        "query": {"query": query, "refId": f"{name}-var"},
        "definition": query,
        "refresh": 2,
        "sort": 1,
        "multi": True,
        "includeAll": True,
        "allValue": ".*",
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
        "hide": 0,
        "options": [],
    }


VARIABLES = [
    variable("instance", "Instance", "label_values(scalpbot_build_info, instance)"),
    variable("venue", "Venue", 'label_values(scalpbot_build_info{instance=~"$instance"}, venue)'),
    variable(
        "symbol",
        "Symbol",
        f"label_values(scalpbot_symbol_stale{{{VEN}}}, symbol)",
    ),
]

ALERT_ANNOTATION: JSON = {
    "name": "Alerts",
    "datasource": DATASOURCE,
    "enable": True,
    "iconColor": "red",
    "expr": f'ALERTS{{alertstate="firing", job="scalpbot", {INST}}}',
    "step": "30s",
    "titleFormat": "{{alertname}}",
    "textFormat": "{{instance}} {{symbol}}",
    "tagKeys": "severity",
}


def dashboard(uid: str, title: str, description: str, layout: Layout) -> JSON:
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["scalpbot"],
        "timezone": "utc",
        "editable": False,
        "graphTooltip": 1,
        "time": {"from": "now-6h", "to": "now"},
        "refresh": "10s",
        "schemaVersion": SCHEMA_VERSION,
        "version": 1,
        "links": [
            {
                "type": "dashboards",
                "tags": ["scalpbot"],
                "title": "scalpbot",
                "asDropdown": False,
                "includeVars": True,
                "keepTime": True,
            }
        ],
        "templating": {"list": VARIABLES},
        "annotations": {
            "list": [
                {
                    "builtIn": 1,
                    "name": "Annotations & Alerts",
                    "type": "dashboard",
                    "datasource": {"type": "grafana", "uid": "-- Grafana --"},
                    "enable": True,
                    "hide": True,
                    "iconColor": "rgba(0, 211, 255, 1)",
                },
                ALERT_ANNOTATION,
            ]
        },
        "panels": layout.panels,
    }


def quantiles(
    metric: str, by: str = "", qs: tuple[float, ...] = (0.5, 0.9, 0.99)
) -> list[tuple[str, str]]:
    """One ``histogram_quantile`` (expression, legend) per quantile of a ``_bucket`` selector."""
    group = f"{by}, le" if by else "le"
    prefix = "{{" + by + "}} " if by else ""
    return [
        (
            f"histogram_quantile({q}, sum by ({group}) (rate({metric}[{RATE}])))",
            f"{prefix}p{round(q * 100)}",
        )
        for q in qs
    ]
