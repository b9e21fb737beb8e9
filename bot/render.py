"""Pure functions from control results to Telegram HTML, readable on a phone.

Everything that comes from outside (symbols, actors, messages) is HTML-escaped;
numbers are aligned in ``<pre>`` blocks; :func:`split_message` keeps every
message under the Bot API's 4096 characters.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from engine.control import ActionResult
from engine.control import FlattenResult
from engine.control import HealthReport
from engine.control import KillResult
from engine.control import OrderView
from engine.control import PnlReport
from engine.control import PositionView
from engine.control import StatusReport
from engine.control import TradeView
from engine.model import Instrument
from engine.model import money_to_decimal
from engine.model.events import AuditRecord

MAX_MESSAGE = 4096
SAFE_MESSAGE = 4000  # below the limit, measured before entity parsing (never shorter after)


def esc(value: object) -> str:
    """HTML-escape anything for Telegram's HTML parse mode."""
    return html.escape(str(value), quote=False)


def money(value: Decimal | float, signed: bool = False) -> str:
    d = Decimal(str(value)) if isinstance(value, float) else value
    return f"{d:+,.2f}" if signed else f"{d:,.2f}"


def nanos(value: int, signed: bool = False) -> str:
    return money(money_to_decimal(value), signed)


def number(value: Decimal | float) -> str:
    """A quantity or price without trailing zeros (``10``, ``187.25``)."""
    d = Decimal(str(value)) if isinstance(value, float) else value
    text = f"{d:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def age(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    if seconds < 10:
        return f"{seconds:.1f}s"
    if seconds < 120:
        return f"{seconds:.0f}s"
    if seconds < 7200:
        return f"{seconds / 60:.0f}m"
    return f"{seconds / 3600:.0f}h"


def clock(ts_ns: int, with_date: bool = False) -> str:
    fmt = "%m-%d %H:%M" if with_date else "%H:%M:%S"
    return time.strftime(fmt, time.gmtime(ts_ns / 1e9))


def table(rows: Sequence[Sequence[object]], right: Iterable[int] = ()) -> str:
    """A ``<pre>`` block with padded columns; columns in ``right`` are right-aligned."""
    if not rows:
        return ""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells if i < len(r)) for i in range(max(map(len, cells)))]
    align = set(right)
    lines = []
    for row in cells:
        parts = [
            c.rjust(widths[i]) if i in align else c.ljust(widths[i]) for i, c in enumerate(row)
        ]
        lines.append(" ".join(parts).rstrip())
    return "<pre>" + esc("\n".join(lines)) + "</pre>"


def pairs(items: Iterable[tuple[str, object]]) -> str:
    """A two-column ``<pre>`` block: label left, value right."""
    return table([(k, v) for k, v in items], right=(1,))


class Units:
    """Ticks and lots to prices and quantities, per symbol (raw units if unknown)."""

    def __init__(self, instruments: Mapping[str, Instrument]) -> None:
        self._inst = dict(instruments)

    def qty(self, symbol: str, lots: int) -> str:
        inst = self._inst.get(symbol)
        return number(inst.qty(lots)) if inst else f"{lots} lots"

    def price(self, symbol: str, ticks: float) -> str:
        inst = self._inst.get(symbol)
        return number(inst.price(ticks)) if inst else f"{ticks:g} ticks"


# -- reading ------------------------------------------------------------------------


def render_status(s: StatusReport) -> str:
    head = (
        f"<b>{esc(s.state.value.upper())}</b> · set by {esc(s.state_actor or '-')}\n"
        f"venue {esc(s.venue)} · feed {'up' if s.feed_connected else '<b>DOWN</b>'}"
        f"{'' if s.ready else ' · <b>not ready</b>'}"
    )
    account = pairs(
        [
            ("equity", money(s.equity)),
            ("day P&L", money(s.day_pnl, True)),
            ("drawdown", money(s.drawdown)),
            ("positions", s.open_positions),
            ("orders", s.open_orders),
        ]
    )
    rows: list[Sequence[object]] = [("symbol", "state", "tick", "pos")]
    for sym in s.symbols:
        tick = "stale" if sym.stale else age(sym.last_tick_age_s)
        rows.append((sym.symbol, sym.state.value, tick, number(sym.position)))
    breakers = (
        "breakers: " + ", ".join(f"<b>{esc(k)}</b> ({esc(v)})" for k, v in s.breakers.items())
        if s.breakers
        else "breakers: none latched"
    )
    return "\n".join([head, account, table(rows, right=(2, 3)), breakers])


def render_pnl(p: PnlReport) -> str:
    return f"<b>P&amp;L · {esc(p.period)}</b> (since {clock(p.since_ts, True)} UTC)\n" + pairs(
        [
            ("net", money(p.net, True)),
            ("realized", money(p.realized, True)),
            ("unrealized Δ", money(p.unrealized, True)),  # its change over the period
            ("fees", money(p.fees)),
            ("fills", p.fills),
        ]
    )


def render_positions(positions: Sequence[PositionView]) -> str:
    if not positions:
        return "No open positions."
    rows: list[Sequence[object]] = [("symbol", "qty", "avg", "mark", "uPnL")]
    for p in positions:
        rows.append(
            (p.symbol, number(p.qty), number(p.avg_price), number(p.mark), money(p.unrealized_pnl))
        )
    return f"<b>Positions ({len(positions)})</b>\n" + table(rows, right=(1, 2, 3, 4))


def render_orders(orders: Sequence[OrderView]) -> str:
    if not orders:
        return "No working orders."
    rows: list[Sequence[object]] = [("symbol", "side", "qty", "price", "status", "age")]
    for o in orders:
        price = "mkt" if o.price is None else number(o.price)
        filled = f"{number(o.filled_qty)}/{number(o.qty)}" if o.filled_qty else number(o.qty)
        rows.append((o.symbol, o.side, filled, price, o.status, age(o.age_s)))
    return f"<b>Working orders ({len(orders)})</b>\n" + table(rows, right=(2, 3, 5))


def render_trades(trades: Sequence[TradeView]) -> str:
    if not trades:
        return "No fills yet."
    rows: list[Sequence[object]] = [("time", "symbol", "side", "qty", "price", "fee")]
    for t in trades:
        rows.append((clock(t.ts), t.symbol, t.side, number(t.qty), number(t.price), money(t.fee)))
    return f"<b>Last {len(trades)} fills</b> (UTC)\n" + table(rows, right=(3, 4, 5))


def render_limits(limits: Mapping[str, Any], why: Mapping[str, str] | None = None) -> str:
    """The limits in force; ``why`` says, for each one not simply at its configured
    value, why it has the value it has (the configuration bounds any change)."""
    shown = [(name, _limit_value(v)) for name, v in sorted(limits.items())]
    text = "<b>Risk limits</b> (0 = off)\n" + pairs(shown)
    if why is None:
        return text
    notes = [f"• <b>{esc(name)}</b> {esc(_limit_value(limits.get(name)))}: {esc(reason)}"
             for name, reason in sorted(why.items())]  # fmt: skip
    return text + "\n" + ("\n".join(notes) or "All at their configured values.")


def _limit_value(value: Any) -> str:
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, (list, tuple)):
        return ",".join(_limit_value(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def render_health(h: HealthReport, telegram: Mapping[str, float]) -> str:
    ok = h.ready and h.feed_connected and h.store_writable and h.last_reconcile_ok
    items: list[tuple[str, object]] = [
        ("ready", _yes(h.ready)),
        ("feed", "up" if h.feed_connected else "DOWN"),
        ("reconnects", h.reconnects),
        ("stale", ",".join(h.stale_symbols) or "none"),
        ("orders/min", h.orders_last_minute),
        ("venue calls", h.pending_venue_calls),
        ("store queue", h.store_queue),
        ("store errors", h.store_errors),
        ("store ok", _yes(h.store_writable)),
        ("reconciled", f"{_yes(h.last_reconcile_ok)} {_ago(h.last_reconcile_ts)}"),
        ("decode errs", sum(h.decode_errors.values())),
        ("sanity rej", sum(h.sanity_rejects.values())),
        ("bus failures", sum(h.event_subscriber_failures.values())),
    ]
    items += [(f"tg {k.removesuffix('_total')}", f"{v:g}") for k, v in sorted(telegram.items())]
    return f"<b>Health: {'OK' if ok else 'ATTENTION'}</b>\n" + pairs(items)


def _yes(flag: bool) -> str:
    return "yes" if flag else "NO"


def _ago(ts_ns: int) -> str:
    return age(time.time() - ts_ns / 1e9) + " ago" if ts_ns else "never"


def render_audit(records: Sequence[AuditRecord]) -> str:
    if not records:
        return "No audit records."
    lines = [f"<b>Audit (newest first, {len(records)})</b>"]
    for r in records:
        args = f" {esc(r.args)}" if r.args else ""
        lines.append(
            f"<code>{clock(r.ts, True)}</code> {esc(r.actor)} <b>{esc(r.action)}</b>{args}"
            f" → {esc(r.outcome)}"
        )
    return "\n".join(lines)


# -- changing -----------------------------------------------------------------------


def render_action(verb: str, result: ActionResult) -> str:
    mark = "✅" if result.ok else "⚠️"
    return f"{mark} {esc(verb)}: {esc(result.message)}"


def render_flatten(result: FlattenResult) -> str:
    if not result.symbols:
        return "✅ flatten: nothing to flatten"
    head = "✅ flatten: done" if result.ok else "⚠️ flatten: <b>not complete</b>"
    rows = [(o.symbol, "ok" if o.ok else "LEFT", o.detail) for o in result.symbols]
    return head + "\n" + table(rows)


def render_kill(k: KillResult) -> str:
    head = (
        "🛑 <b>KILLED</b>: halted, venue verified flat"
        if k.ok
        else ("🛑 <b>KILLED</b>: halted, but the venue <b>still shows exposure</b>")
    )
    lines = [head, pairs([("cancelled", k.cancelled), ("flatten orders", k.flatten_orders)])]
    if k.leftover_orders:
        lines.append("open orders left:\n" + table([(o,) for o in k.leftover_orders]))
    if k.leftover_positions:
        lines.append("positions left:\n" + table([(p,) for p in k.leftover_positions]))
    lines += [f"• {esc(n)}" for n in k.notes]
    lines.append("Trading stays HALTED until /resume.")
    return "\n".join(lines)


# -- splitting ----------------------------------------------------------------------


def split_message(text: str, limit: int = SAFE_MESSAGE) -> list[str]:
    """Split on line breaks into parts of at most ``limit`` characters.

    A ``<pre>`` block cut in two is closed and reopened, so each part is valid
    HTML on its own; a single over-long line (no tags) is cut hard.
    """
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current: list[str] = []
    size = 0
    in_pre = False
    for raw in text.split("\n"):
        for line in _hard_wrap(raw, limit - 16):
            after = _pre_after(line, in_pre)
            closing = len("</pre>") if after else 0
            if current and size + 1 + len(line) + closing > limit:
                parts.append("\n".join(current) + ("</pre>" if in_pre else ""))
                current = ["<pre>" + line if in_pre else line]
                size = len(current[0])
            else:
                size += len(line) + (1 if current else 0)
                current.append(line)
            in_pre = after
    if current:
        parts.append("\n".join(current))
    return parts


def _pre_after(line: str, in_pre: bool) -> bool:
    """Whether a ``<pre>`` block is still open after ``line``."""
    for match in _PRE_TAG.finditer(line):
        in_pre = match.group(0) == "<pre>"
    return in_pre


_PRE_TAG = re.compile(r"</?pre>")


def _hard_wrap(line: str, width: int) -> list[str]:
    if len(line) <= width or "<" in line:
        return [line]
    out = []
    while len(line) > width:
        cut = width
        amp = line.rfind("&", 0, cut)
        if amp != -1 and ";" not in line[amp:cut]:
            cut = amp or width  # never split an entity such as &amp;
        out.append(line[:cut])
        line = line[cut:]
    return [*out, line] if line else out
