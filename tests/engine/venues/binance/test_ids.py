"""Client order ids: every id the bot makes fits both products; Binance's own prefixes
and ids it would refuse are refused before sending."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.model.ids import IdFactory
from engine.runtime.app import new_run_id
from engine.venues.binance.ids import SYSTEM_ID_PREFIXES
from engine.venues.binance.ids import check_client_id
from engine.venues.binance.ids import is_system_close
from engine.venues.binance.ids import system_close_kind

PRODUCTS = ("usdm", "spot")


@given(seq=st.integers(0, 10**15 - 1))
def test_run_ids_fit(seq: int) -> None:
    """``IdFactory("sb", new_run_id())`` ids fit both products up to sequence 10^15."""
    factory = IdFactory("sb", new_run_id(), start=seq)
    cid = factory.next_client_order_id()
    for product in PRODUCTS:
        assert check_client_id(cid, product) is None, (cid, len(cid))
    assert system_close_kind(cid) is None and not is_system_close(cid)


@pytest.mark.parametrize("product", PRODUCTS)
@pytest.mark.parametrize(
    "cid",
    [
        "",
        "a" * 37,
        "sb-1 2",
        "sb-é",
        "sb-1\n",
        "sb+1",
        "sb=1",
        "sb&1",
        "sb%201",
        *(prefix + "x1" for prefix in SYSTEM_ID_PREFIXES),
    ],
)
def test_rejects(cid: str, product: str) -> None:
    assert check_client_id(cid, product) is not None  # type: ignore[arg-type]


def test_accepts_at_the_limit_and_usdm_extras() -> None:
    assert check_client_id("a" * 36, "usdm") is None
    assert check_client_id("a" * 36, "spot") is None
    assert check_client_id("x.y:z/w_-1", "usdm") is None
    assert check_client_id("x.y:z/w_-1", "spot") is not None  # spot has no . : /


@given(st.text(alphabet=st.sampled_from("aZ09-_.:/"), min_size=1, max_size=36))
def test_system_prefixes_always_refused(tail: str) -> None:
    for prefix in SYSTEM_ID_PREFIXES:
        cid = (prefix + tail)[:36]
        assert check_client_id(cid, "usdm") is not None


@pytest.mark.parametrize(
    ("cid", "kind"),
    [
        ("autoclose-1596542005017000006", "liquidation"),
        ("adl_autoclose-1596542005017000006", "adl"),
        ("settlement_autoclose-1596542005017000006", "settlement"),
        ("sb-18c1e2d3f4a5b6c-1", None),
        ("xautoclose-1", None),
    ],
)
def test_system_close_kind(cid: str, kind: str | None) -> None:
    assert system_close_kind(cid) == kind
    assert is_system_close(cid) == (kind is not None)
