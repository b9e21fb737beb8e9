"""A dashboard as data: a board is a list of rows and panels; :func:`render` makes the JSON.

Each dashboard module holds one :class:`Board` constant. A panel's class is its kind
(:class:`Series`, :class:`Stat`, :class:`Gauge`, :class:`BarGauge`); it names its title,
width (and height, 8 unless said), its queries as ``(PromQL, legend)`` pairs (refIds
A, B, C... in order) and the field options that differ from the defaults in
:meth:`Panel.body`. The layout (ids, grid positions) is
worked out by :class:`monitoring.grafana.Layout`, so a panel never states where it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from monitoring.grafana import DATASOURCE
from monitoring.grafana import GREEN
from monitoring.grafana import JSON
from monitoring.grafana import Layout
from monitoring.grafana import dashboard
from monitoring.grafana import target

Query = tuple[str, str]
"""A PromQL expression and its legend."""


@dataclass(frozen=True, slots=True)
class Row:
    """A collapsible row header across the grid; the next panel starts below it."""

    title: str


@dataclass(frozen=True, slots=True)
class Panel:
    """One panel: what it shows and how wide it is, never where it goes."""

    kind: ClassVar[str]
    title: str
    w: int
    queries: Sequence[Query]
    h: int = 8
    unit: str = "short"
    description: str = ""
    steps: JSON | None = None
    mappings: list[JSON] | None = None
    decimals: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    options: JSON | None = None
    instant: bool = False

    def body(self, tgts: list[JSON]) -> JSON:
        """This panel's JSON without id and position (the layout assigns them)."""
        kind = self.kind
        defaults: JSON = {
            "unit": self.unit,
            "thresholds": self.steps or GREEN,
            "mappings": self.mappings or [],
        }
        if self.decimals is not None:
            defaults["decimals"] = self.decimals
        if self.minimum is not None:
            defaults["min"] = self.minimum
        if self.maximum is not None:
            defaults["max"] = self.maximum
        if kind == "timeseries":
            defaults["color"] = {"mode": "palette-classic"}
            defaults["custom"] = {"lineWidth": 1, "fillOpacity": 10, "showPoints": "never"}
        else:
            defaults["color"] = {"mode": "thresholds"}
        options: JSON = {}
        if kind == "timeseries":
            options = {
                "legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
                "tooltip": {"mode": "multi", "sort": "desc"},
            }
        elif kind in ("stat", "gauge", "bargauge"):
            options = {
                "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                "colorMode": "background" if kind == "stat" else "value",
                "graphMode": "none",
                "textMode": "auto",
                "orientation": "auto",
            }
        options.update(self.options or {})
        return {
            "type": kind,
            "title": self.title,
            "description": self.description,
            "datasource": DATASOURCE,
            "targets": tgts,
            "fieldConfig": {"defaults": defaults, "overrides": []},
            "options": options,
        }


class Series(Panel):
    kind = "timeseries"


class Stat(Panel):
    kind = "stat"


class Gauge(Panel):
    kind = "gauge"


class BarGauge(Panel):
    kind = "bargauge"


@dataclass(frozen=True, slots=True)
class Board:
    uid: str
    title: str
    description: str
    panels: Sequence[Row | Panel]


def render(board: Board) -> JSON:
    """The dashboard JSON of ``board``: panels numbered and placed in table order."""
    lay = Layout()
    for item in board.panels:
        if isinstance(item, Row):
            lay.row(item.title)
            continue
        tgts = [
            target(expr, legend, chr(ord("A") + i), instant=item.instant)
            for i, (expr, legend) in enumerate(item.queries)
        ]
        lay.add(item.body(tgts), item.w, item.h)
    return dashboard(board.uid, board.title, board.description, lay)
