"""classify(): 5xx, no answer, an unreadable 2xx, -1000, -1001, -1006 and -1007 are AMBIGUOUS
at every HTTP status (never retried); BinanceError never shows a secret or a signed query."""

from __future__ import annotations

import pytest
from hypothesis import example
from hypothesis import given
from hypothesis import strategies as st

from engine.config.secret import register
from engine.venues.binance.errors import NO_ANSWER
from engine.venues.binance.errors import BinanceError
from engine.venues.binance.errors import Outcome
from engine.venues.binance.errors import classify

CODES = st.none() | st.integers(-10_000, 0)
STATUSES = st.integers(100, 599) | st.just(NO_ANSWER)

TABLE = [
    (500, -1003, Outcome.AMBIGUOUS),
    (502, None, Outcome.AMBIGUOUS),
    (503, -1007, Outcome.AMBIGUOUS),
    (504, -2010, Outcome.AMBIGUOUS),
    (400, -1007, Outcome.AMBIGUOUS),
    (400, -1006, Outcome.AMBIGUOUS),
    (400, -1000, Outcome.AMBIGUOUS),  # review: UNKNOWN does not say it was not placed
    (400, -1001, Outcome.AMBIGUOUS),  # review: DISCONNECTED likewise
    (429, -1007, Outcome.AMBIGUOUS),
    (NO_ANSWER, None, Outcome.AMBIGUOUS),
    (200, None, Outcome.AMBIGUOUS),
    (429, -1003, Outcome.RATE_LIMITED),
    (429, None, Outcome.RATE_LIMITED),
    (418, -1003, Outcome.BANNED),
    (418, None, Outcome.BANNED),
    (400, -1003, Outcome.RATE_LIMITED),
    (400, -1021, Outcome.CLOCK),
    (400, -1022, Outcome.AUTH),
    (401, -2014, Outcome.AUTH),
    (401, -2015, Outcome.AUTH),
    (401, None, Outcome.AUTH),
    (400, -2011, Outcome.UNKNOWN_ORDER),
    (400, -2013, Outcome.UNKNOWN_ORDER),
    (400, -2010, Outcome.REJECTED),
    (400, -1013, Outcome.REJECTED),
    (400, -1121, Outcome.REJECTED),
    (400, -4164, Outcome.REJECTED),
    (400, -5022, Outcome.REJECTED),
    (403, None, Outcome.REJECTED),
    (404, None, Outcome.REJECTED),
]


@pytest.mark.parametrize(("http", "code", "outcome"), TABLE)
def test_classify_table(http: int, code: int | None, outcome: Outcome) -> None:
    assert classify(http, code) is outcome
    assert BinanceError(http, code, "m").outcome is outcome


@given(http=STATUSES, code=CODES)
@example(http=100, code=-1000)
@example(http=400, code=-1001)
def test_ambiguous_rule(http: int, code: int | None) -> None:
    ambiguous = http >= 500 or http == NO_ANSWER or 200 <= http < 300
    ambiguous = ambiguous or code in (-1000, -1001, -1006, -1007)
    assert (classify(http, code) is Outcome.AMBIGUOUS) == ambiguous


def test_error_text_carries_no_secret_or_signed_query() -> None:
    secret = "Zq8vS3cr3tValueForBinanceErrTest0001"
    register(secret, "test secret")
    signature = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
    msg = f"bad request /fapi/v1/order?symbol=X&signature={signature} key {secret}"
    err = BinanceError(400, -1022, msg, path=f"/fapi/v1/order?symbol=X&signature={signature}")
    for text in (str(err), repr(err), err.msg, err.path, str(err.args)):
        assert secret not in text
        assert signature not in text
        assert "symbol=X" not in text
    assert err.code == -1022 and err.http == 400 and err.path == "/fapi/v1/order"
    assert "-1022" in str(err)
    assert len(BinanceError(400, -1, "x" * 10_000).msg) < 400
