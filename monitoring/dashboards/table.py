"""A dashboard as data: a board is a list of rows and panels; :func:`render` makes the JSON.

Each dashboard module holds one :class:`Board` constant. A panel's class is its kind
(:class:`Series`, :class:`Stat`, :class:`Gauge`, :class:`BarGauge`); it names its title,
width (and height, 8 unless said), its queries as ``(PromQL, legend)`` pairs (refIds
A, B, C... in order) and the field options that differ from the defaults in
:func:`monitoring.grafana.panel`. The layout (ids, grid positions) is
worked out by :class:`monitoring.grafana.Layout`, so a panel never states where it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from monitoring.grafana import JSON
from monitoring.grafana import Layout
from monitoring.grafana import dashboard
from monitoring.grafana import panel
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
        body = panel(
            item.kind,
            item.title,
            tgts,
            unit=item.unit,
            description=item.description,
            steps=item.steps,
            mappings=item.mappings,
            decimals=item.decimals,
            minimum=item.minimum,
            maximum=item.maximum,
            options=item.options,
        )
        lay.add(body, item.w, item.h)
    return dashboard(board.uid, board.title, board.description, lay)
