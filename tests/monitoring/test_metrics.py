"""The metric table follows Prometheus naming and is documented."""

from __future__ import annotations

import re

import pytest

from monitoring import metrics as m
from tests.monitoring.tools import DOCS

NAME = re.compile(r"^scalpbot_[a-z][a-z0-9_]*[a-z0-9]$")
LABEL = re.compile(r"^[a-z][a-z0-9_]*$")


def test_names_are_unique() -> None:
    names = [s.name for s in m.ALL]
    assert len(names) == len(set(names)) > 50


@pytest.mark.parametrize("spec", m.ALL, ids=lambda s: s.name)
def test_each_metric_follows_the_conventions(spec: m.Spec) -> None:
    assert NAME.match(spec.name)
    assert spec.help.strip() and spec.help.endswith(".")
    assert spec.name.endswith("_total") == (spec.kind == "counter")
    assert spec.name.endswith("_info") == (spec.kind == "info")
    if spec.kind == "histogram":
        assert spec.name.endswith(("_seconds", "_bps"))
    if "seconds" in spec.name:
        assert re.search(r"_seconds(_total)?$", spec.name)
    assert all(LABEL.match(label) for label in spec.labels)
    assert len(set(spec.labels)) == len(spec.labels)
    # Bounded labels only: never an order id, a run id on a series, or a free text.
    forbidden = {"client_order_id", "order_id", "exec_id", "detail", "message"}
    assert not forbidden & set(spec.labels)
    assert "le" not in spec.labels and "quantile" not in spec.labels


def test_venue_is_on_market_and_account_metrics_not_process_internals() -> None:
    internal = ("scalpbot_event", "scalpbot_store", "scalpbot_telegram", "scalpbot_exporter")
    for spec in m.ALL:
        if spec.kind == "info":
            continue
        if spec.name.startswith(internal):
            assert "venue" not in spec.labels, spec.name
        else:
            assert spec.labels[:1] == ("venue",), spec.name


def test_buckets_are_sorted_and_sub_millisecond_where_it_matters() -> None:
    for buckets in (m.SLIPPAGE_BUCKETS_BPS, m.LOOP_LAG_BUCKETS_S):
        assert list(buckets) == sorted(set(buckets))
    assert m.LOOP_LAG_BUCKETS_S[0] < 0.001
    assert m.SLIPPAGE_BUCKETS_BPS[0] < 0 < m.SLIPPAGE_BUCKETS_BPS[-1]


def test_the_known_breakers_are_the_engines() -> None:
    from engine.core.risk.breakers import DAILY_LOSS
    from engine.core.risk.breakers import DRAWDOWN
    from engine.core.risk.breakers import LOSS_STREAK

    assert set(m.BREAKERS) == {DAILY_LOSS, DRAWDOWN, LOSS_STREAK}


def test_docs_list_every_metric() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    missing = [s.name for s in m.ALL if f"`{s.name}`" not in docs]
    assert not missing, missing
