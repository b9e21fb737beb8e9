"""Two-step confirmation: the nonce expires, only the requester answers, exactly once."""

from __future__ import annotations

from bot.confirm import Confirmations
from bot.confirm import Verdict
from bot.confirm import buttons
from bot.confirm import parse_data


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def make() -> tuple[Confirmations, Clock]:
    clock = Clock()
    return Confirmations(30.0, clock), clock


def test_the_requester_confirms_once() -> None:
    confirms, _ = make()
    p = confirms.open(7, 7, "flatten", {"scope": "all"}, "all")
    assert confirms.press(p.nonce, 7, 7, True) == (Verdict.CONFIRMED, p)
    assert confirms.press(p.nonce, 7, 7, True) == (Verdict.USED, None)
    assert confirms.press(p.nonce, 7, 7, False) == (Verdict.USED, None)


def test_cancel_then_confirm_does_nothing() -> None:
    confirms, _ = make()
    p = confirms.open(7, 7, "kill", {}, "")
    assert confirms.press(p.nonce, 7, 7, False)[0] is Verdict.CANCELLED
    assert confirms.press(p.nonce, 7, 7, True)[0] is Verdict.USED


def test_another_user_cannot_answer_and_does_not_consume_it() -> None:
    confirms, _ = make()
    p = confirms.open(7, -100, "kill", {}, "")
    assert confirms.press(p.nonce, 8, -100, True)[0] is Verdict.NOT_YOURS
    assert confirms.press(p.nonce, 7, 5, True)[0] is Verdict.NOT_YOURS  # other chat
    assert confirms.press(p.nonce, 7, -100, True)[0] is Verdict.CONFIRMED


def test_it_expires() -> None:
    confirms, clock = make()
    p = confirms.open(7, 7, "resume", {}, "")
    q = confirms.open(7, 7, "resume", {}, "")
    clock.now += 30.5
    assert confirms.press(p.nonce, 7, 7, True)[0] is Verdict.EXPIRED
    assert confirms.sweep() == [q]
    assert confirms.press(q.nonce, 7, 7, True) == (Verdict.EXPIRED, None)
    assert confirms.open_count == 0


def test_nonces_are_unguessable_and_fit_callback_data() -> None:
    confirms, _ = make()
    nonces = {confirms.open(7, 7, "kill", {}, "").nonce for _ in range(500)}
    assert len(nonces) == 500
    p = confirms.open(7, 7, "kill", {}, "")
    for row in buttons(p):
        for _, data in row:
            assert len(data.encode()) <= 64
            assert parse_data(data) in ((p.nonce, True), (p.nonce, False))
    assert confirms.press("nope", 7, 7, True) == (Verdict.UNKNOWN, None)
    assert parse_data("cf:x:maybe") is None and parse_data("other") is None
