"""ServerClock: after one ``GET /time`` sample, every timestamp it gives is one Binance
accepts (``timestamp < serverTime + 1000`` and ``serverTime - timestamp <= recvWindow``)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engine.venues.binance.clock import ServerClock

MS = 1_000_000
RECV_WINDOW_MS = 5000


class FakeClock:
    def __init__(self, now_ns: int) -> None:
        self.now_ns = now_ns

    def __call__(self) -> int:
        return self.now_ns


def accepted(timestamp_ms: int, server_ms: int, recv_window_ms: int = RECV_WINDOW_MS) -> bool:
    """Binance's rule (P§2.2)."""
    return timestamp_ms < server_ms + 1000 and server_ms - timestamp_ms <= recv_window_ms


@given(
    start_ns=st.integers(1_600_000_000_000 * MS, 1_900_000_000_000 * MS),
    offset_ns=st.integers(-10_000 * MS, 10_000 * MS),
    rtt_ns=st.integers(0, 500 * MS),
    stamped_at=st.floats(0, 1),
    later_ns=st.integers(0, 600_000 * MS),
    transit_ns=st.integers(0, 500 * MS),
)
def test_timestamp_always_accepted(
    start_ns: int,
    offset_ns: int,
    rtt_ns: int,
    stamped_at: float,
    later_ns: int,
    transit_ns: int,
) -> None:
    """Server clock = local + offset (±10 s). ``GET /time`` takes ``rtt`` (0-500 ms) and
    the server stamps its time anywhere inside it; later, a request signed with
    ``timestamp_ms()`` reaches the server ``transit`` ms after signing."""
    local = FakeClock(start_ns)
    clock = ServerClock(local)
    sent = local.now_ns
    server_ms = (sent + int(rtt_ns * stamped_at) + offset_ns) // MS
    received = sent + rtt_ns
    assert clock.observe(server_ms, sent, received)
    local.now_ns = received + later_ns
    timestamp = clock.timestamp_ms()
    arrival_server_ms = (local.now_ns + transit_ns + offset_ns) // MS
    assert accepted(timestamp, arrival_server_ms)
    assert abs(clock.offset_ms - offset_ns / MS) <= rtt_ns / MS / 2 + 2  # ms floor, rounding


def test_slow_samples_dropped_and_jumps_taken() -> None:
    local = FakeClock(1_700_000_000_000 * MS)
    clock = ServerClock(local, max_drift_ms=500)
    assert clock.stale and not clock.synced and clock.offset_ms == 0
    now = local.now_ns
    assert not clock.observe(1, now, now + 1001 * MS)  # RTT over max_rtt_ms
    assert not clock.observe(1, now, now - 1)  # negative RTT
    assert not clock.synced
    assert clock.observe(now // MS + 2000, now, now)
    assert clock.offset_ms == 2000
    assert clock.observe(now // MS + 2100, now, now)  # within max_drift: averaged
    assert 2000 < clock.offset_ms < 2100
    assert clock.observe(now // MS - 3000, now, now)  # a jump: taken outright
    assert clock.offset_ms == -3000
    assert clock.timestamp_ms() == now // MS - 3000 - 100


def test_stale_after_ten_minutes_and_on_mark() -> None:
    local = FakeClock(1_700_000_000_000 * MS)
    clock = ServerClock(local)
    clock.observe(local.now_ns // MS, local.now_ns, local.now_ns)
    assert not clock.stale
    local.now_ns += 600_000 * MS
    assert not clock.stale
    local.now_ns += 1
    assert clock.stale
    clock.observe(local.now_ns // MS, local.now_ns, local.now_ns)
    assert not clock.stale
    clock.mark_stale()  # a -1021
    assert clock.stale and clock.synced


def test_refuses_settings_that_could_run_ahead() -> None:
    for kwargs in ({"max_rtt_ms": 2000}, {"safety_ms": -1}, {"max_rtt_ms": 0}):
        try:
            ServerClock(**kwargs)  # type: ignore[arg-type]
        except ValueError:
            continue
        raise AssertionError(kwargs)
