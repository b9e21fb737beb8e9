"""Figures and the printed table of ``bench/tick_to_trade.py``."""

from __future__ import annotations

import argparse
import math
import os
import platform
from typing import Any

import aiohttp
import uvloop
from _ttt_venue import Venue

SYMBOLS = 200
INTERNAL_TARGET_US = 250.0
FLOOR_RATIO_TARGET = 1.5
FANIN_TARGET = 50_000


def pct(values: list[int], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..1); nan when empty."""
    if not values:
        return math.nan
    s = sorted(values)
    return float(s[min(len(s) - 1, max(0, math.ceil(q * len(s)) - 1))])


def us(ns: float) -> float:
    return round(ns / 1000, 1)


# -- figures -----------------------------------------------------------------------------------


def stage_table(
    venue: Venue, records: dict[str, list[int]], pauses: list[list[int]]
) -> dict[str, list[int]]:
    """Per-order stage durations (ns), joining venue stamps with the bot's by client id;
    ``*_nogc`` only for orders with no garbage collection in their path."""
    gcs = sorted((t, t + d) for t, d, _g in pauses)
    out: dict[str, list[int]] = {
        k: []
        for k in (
            "e2e",
            "hop_in",
            "decode",
            "core",
            "request",
            "send",
            "hop_out",
            "internal",
            "e2e_nogc",
            "internal_nogc",
        )
    }
    for cid, _seq, sent, received in venue.e2e:
        out["e2e"].append(received - sent)
        r = records.get(cid)
        if r is None or not all(r):
            continue
        collected = any(t < received and end > sent for t, end in gcs)
        frame, tick, submit, write, written = r
        out["hop_in"].append(frame - sent)
        out["decode"].append(tick - frame)
        out["core"].append(submit - tick)
        out["request"].append(write - submit)
        out["send"].append(written - write)
        out["hop_out"].append(received - write)
        out["internal"].append(write - frame)
        if not collected:
            out["e2e_nogc"].append(received - sent)
            out["internal_nogc"].append(write - frame)
    return out


def floor_table(venue: Venue, bare: dict[str, Any]) -> dict[str, list[int]]:
    recorded = {seq for seq, *_ in venue.relay}
    return {
        "relay": [received - sent for _s, sent, received, _t0 in venue.relay],
        "post_oneway": [received - t0 for _s, _sent, received, t0 in venue.relay],
        "ws_hop": [d for seq, d in bare["hops"] if seq in recorded],
        "post_rtt": [d for seq, d in bare["rtts"] if seq in recorded],
    }


def gc_line(pauses: list[list[int]], stages: dict[str, list[int]]) -> str:
    """Collections in the bot, and how many recorded orders had one in their path."""
    by_gen = [[d for _t, d, g in pauses if g == gen] for gen in range(3)]
    hit = len(stages["internal"]) - len(stages["internal_nogc"])
    gens = ", ".join(
        f"gen{g} {len(d)} (max {max(d, default=0) / 1e6:.1f} ms)" for g, d in enumerate(by_gen)
    )
    return f"bot garbage collections: {gens}; orders with one in their path: {hit}"


def row(label: str, values: list[int]) -> str:
    return f"  {label:<52}{us(pct(values, 0.5)):>9.1f}{us(pct(values, 0.99)):>9.1f}{len(values):>7}"


def figures(res: dict[str, Any]) -> dict[str, Any]:
    """The figures of the run (µs unless named otherwise), as the JSON line gives them."""
    stages, floor, steps = res["stages"], res["floor"], res["fanin"]
    hop50, rtt50 = pct(floor["ws_hop"], 0.5), pct(floor["post_rtt"], 0.5)
    floor50 = hop50 + rtt50
    oneway50 = hop50 + pct(floor["post_oneway"], 0.5)
    e2e50, relay50 = pct(stages["e2e"], 0.5), pct(floor["relay"], 0.5)
    int99 = pct(stages["internal"], 0.99)
    t2s = res["bot"]["tick_to_submit_ns"][res["warm"] :]
    passing = [s for s in steps if s["ok"] and s["offered"]]
    fanin = max((s["received"] for s in passing), default=0)
    return {
        "bench": "tick_to_trade",
        "orders": len(stages["e2e"]),
        "internal_p50_us": us(pct(stages["internal"], 0.5)),
        "internal_p99_us": us(int99),
        "e2e_p50_us": us(e2e50),
        "e2e_p99_us": us(pct(stages["e2e"], 0.99)),
        "floor_p50_us": us(floor50),
        "floor_p99_us": us(pct(floor["ws_hop"], 0.99) + pct(floor["post_rtt"], 0.99)),
        "floor_oneway_p50_us": us(oneway50),
        "internal_by_subtraction_p50_us": us(e2e50 - oneway50),
        "ws_hop_p50_us": us(hop50),
        "post_rtt_p50_us": us(rtt50),
        "relay_p50_us": us(relay50),
        "relay_p99_us": us(pct(floor["relay"], 0.99)),
        "tick_to_submit_p50_us": us(pct(t2s, 0.5)),
        "tick_to_submit_p99_us": us(pct(t2s, 0.99)),
        "e2e_nogc_p99_us": us(pct(stages["e2e_nogc"], 0.99)),
        "internal_nogc_p99_us": us(pct(stages["internal_nogc"], 0.99)),
        **{
            f"{k}_p50_us": us(pct(v, 0.5))
            for k, v in stages.items()
            if "e2e" not in k and "internal" not in k
        },
        "fanin_quotes_per_second": fanin,
        "fanin_lag_p99_ms": max((s["lag_p99_ms"] for s in passing), default=None),
        "e2e_p50_over_floor_p50": round(e2e50 / floor50, 2),
        "e2e_p50_over_relay_p50": round(e2e50 / relay50, 2),
        "internal_p99_over_target": round(int99 / 1000 / INTERNAL_TARGET_US, 2),
        "fanin_over_target": round(fanin / FANIN_TARGET, 2),
        "targets_met": {
            "internal_p99": int99 / 1000 < INTERNAL_TARGET_US,
            "e2e_over_floor": e2e50 / floor50 <= FLOOR_RATIO_TARGET,
            "fanin": fanin >= FANIN_TARGET,
        },
    }


def print_latency(args: argparse.Namespace, res: dict[str, Any], fig: dict[str, Any]) -> None:
    stages, floor, bot = res["stages"], res["floor"], res["bot"]
    print(
        f"tick_to_trade: {fig['orders']:,} orders, {SYMBOLS} symbols, trigger every "
        f"{args.gap_us} us, loopback; Python {platform.python_version()}, aiohttp "
        f"{aiohttp.__version__}, uvloop {uvloop.__version__}, {os.cpu_count()} CPUs"
        f"{' (venue on CPU 0, bot and floor client on CPU 1)' if args.pin else ''}, "
        f"load average {res['load0']:.2f} before, {os.getloadavg()[0]:.2f} after"
    )
    if args.tries:
        print(f"  EXPERIMENTS in the bot (not production code): {args.tries}")
    print(f"  {'':<52}{'p50 us':>9}{'p99 us':>9}{'n':>7}")
    print(" floor (bare aiohttp client process, same venue, same run)")
    print(row("websocket one-way hop (venue send -> client recv)", floor["ws_hop"]))
    print(row("POST round trip (client)", floor["post_rtt"]))
    print(row("POST one-way (client send -> venue handler)", floor["post_oneway"]))
    label = "floor = hop p50 + POST round trip p50 (p99: sum)"
    print(f"  {label:<52}{fig['floor_p50_us']:>9.1f}{fig['floor_p99_us']:>9.1f}")
    print(f"  {'one-way floor = hop p50 + POST one-way p50':<52}{fig['floor_oneway_p50_us']:>9.1f}")
    print(row("relay: bare client ws -> POST, timed by the venue", floor["relay"]))
    print(" bot (Runtime in a uvloop child process)")
    print(row("END TO END: trigger sent -> order at the venue", stages["e2e"]))
    print(row("  hop in: venue send -> TickDecoder.on_frame", stages["hop_in"]))
    print(row("  decode + gate: on_frame -> LiveEngine.on_quote t0", stages["decode"]))
    print(row("  core: on_quote t0 -> LiveEngine._send", stages["core"]))
    print(row("  request: _send -> bytes handed to the transport", stages["request"]))
    print(row("  hop out: handed to the transport -> venue handler", stages["hop_out"]))
    print(row("  (write() call incl. preemption; within hop out)", stages["send"]))
    print(row("INTERNAL: on_frame -> request handed to the transport", stages["internal"]))
    label = "INTERNAL by subtraction: e2e p50 - one-way floor p50"
    print(f"  {label:<52}{fig['internal_by_subtraction_p50_us']:>9.1f}")
    t2s = bot["tick_to_submit_ns"][res["warm"] :]
    print(row("LiveEngine.tick_to_submit_ns (on_quote -> written)", t2s))
    print(row("END TO END, orders with no GC in their path", stages["e2e_nogc"]))
    print(row("INTERNAL, orders with no GC in their path", stages["internal_nogc"]))
    print(
        f"  orders submitted {bot['submitted']}, ambiguous {bot['ambiguous']}, risk denied "
        f"{bot['risk_denied_count']}, gate rejects {bot['gate_rejects'] or 0}; never came: "
        f"bot {res['lost_bot']}, bare {res['lost_bare']}; orders without a trigger "
        f"{res['unmatched']}; trigger slots skipped (all 10 symbols awaiting their order) "
        f"{res['skipped']}"
    )
    print("  " + gc_line(bot["gc"], stages))


def print_fanin(steps: list[dict[str, Any]]) -> None:
    print(" fan-in, 200 symbols, one frame per ms (lag = 1 ms sleep overshoot in the bot)")
    print(
        f"  {'offered q/s':>12}{'sent q/s':>12}{'received q/s':>14}{'lag p50 ms':>12}"
        f"{'lag p99 ms':>12}{'lag max ms':>12}"
    )
    for s in steps:
        mark = "" if s["ok"] else "  <- over the limit"
        if s["venue_limited"]:
            mark += "  (the venue could not send faster)"
        print(
            f"  {s['offered']:>12,}{s['sent']:>12,}{s['received']:>14,}{s['lag_p50_ms']:>12.3f}"
            f"{s['lag_p99_ms']:>12.3f}{s['lag_max_ms']:>12.3f}{mark}"
        )


def print_targets(fig: dict[str, Any]) -> None:
    met = fig["targets_met"]

    def verdict(key: str) -> str:
        return "met" if met[key] else "MISSED"

    print(" targets")
    print(
        f"  internal p99 {fig['internal_p99_us']} us < {INTERNAL_TARGET_US:.0f} us: "
        f"{verdict('internal_p99')}"
    )
    print(
        f"  e2e p50 / floor p50 = {fig['e2e_p50_us']} / {fig['floor_p50_us']} = "
        f"{fig['e2e_p50_over_floor_p50']:.2f}x <= {FLOOR_RATIO_TARGET}x: "
        f"{verdict('e2e_over_floor')} (e2e p50 / relay p50 = {fig['e2e_p50_over_relay_p50']:.2f}x)"
    )
    print(
        f"  fan-in {fig['fanin_quotes_per_second']:,} quotes/s >= {FANIN_TARGET:,}: "
        f"{verdict('fanin')}"
    )
