"""Websocket client throughput for the Alpaca data stream: aiohttp against websockets.

A loopback server in a separate process blasts ``--frames`` Alpaca-shaped frames
(JSON arrays of ``--batch`` quotes) over one websocket; the frames are encoded
once and written to the socket in one go, so the server costs nearly nothing and
the figure is the client's. Each client receives every frame and decodes it with
msgspec into the adapter's structs. Also measured, same run:

- the adapter end to end (``AlpacaMarketData.run``: handshake, frame -> sink as
  ints), JSON text frames against msgpack binary frames;
- timestamp parsing: ``protocol.parse_ts`` against ``datetime.fromisoformat``.

Every figure is the median of ``--runs`` runs; the last line is JSON.

    .venv/bin/python bench/ws_clients.py [--frames 20000] [--batch 10] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import logging
import multiprocessing as mp
import statistics
import struct
import time
from datetime import datetime
from decimal import Decimal
from typing import Any

import aiohttp
import msgspec
import websockets.asyncio.client as wsclient

from engine.model import Instrument
from engine.model import Side
from engine.model import Symbol
from engine.model.events import FeedEvent
from engine.venues.alpaca.config import DataConfig
from engine.venues.alpaca.data import AlpacaMarketData
from engine.venues.alpaca.protocol import DataMessage
from engine.venues.alpaca.protocol import Encoding
from engine.venues.alpaca.protocol import ext_timestamp

SYMBOLS = [f"S{i:02d}" for i in range(20)]
T0 = 1_700_000_000_000_000_000
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def quotes(frames: int, batch: int, binary: bool) -> list[bytes]:
    """``frames`` payloads of ``batch`` quotes each (distinct prices and times)."""
    out = []
    for f in range(frames):
        msgs = []
        for b in range(batch):
            k = f * batch + b
            ns = T0 + k * 1_337_017
            bid = 10_000 + k % 500
            stamp: Any = ext_timestamp(ns)
            if not binary:
                whole = datetime.utcfromtimestamp(ns // 10**9).strftime("%Y-%m-%dT%H:%M:%S")
                stamp = f"{whole}.{ns % 10**9:09d}Z"
            msgs.append(
                {
                    "T": "q",
                    "S": SYMBOLS[k % len(SYMBOLS)],
                    "bx": "V",
                    "bp": bid / 100,
                    "bs": 1 + k % 7,
                    "ax": "V",
                    "ap": (bid + 1 + k % 3) / 100,
                    "as": 2 + k % 5,
                    "t": stamp,
                    "c": ["R"],
                    "z": "C",
                }
            )
        out.append(msgspec.msgpack.encode(msgs) if binary else msgspec.json.encode(msgs))
    return out


def ws_frame(payload: bytes, opcode: int) -> bytes:
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, n)
    elif n < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, n)
    return head + payload


async def read_client_frame(reader: asyncio.StreamReader) -> bytes:
    _, b1 = await reader.readexactly(2)
    n = b1 & 0x7F
    if n == 126:
        (n,) = struct.unpack("!H", await reader.readexactly(2))
    elif n == 127:
        (n,) = struct.unpack("!Q", await reader.readexactly(8))
    mask = await reader.readexactly(4) if b1 & 0x80 else b"\0\0\0\0"
    data = await reader.readexactly(n)
    return bytes(c ^ mask[i % 4] for i, c in enumerate(data))


def serve(port_q: Any, frames: int, batch: int) -> None:
    """The server process: one connection at a time, blast, close."""
    blobs: dict[str, bytes] = {}
    for enc, binary in (("json", False), ("msgpack", True)):
        op = 2 if binary else 1
        blobs[enc] = b"".join(ws_frame(p, op) for p in quotes(frames, batch, binary))

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        lines = head.split("\r\n")
        path = lines[0].split()[1]
        hdrs = {k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
        accept = base64.b64encode(
            hashlib.sha1((hdrs["sec-websocket-key"] + GUID).encode()).digest()
        ).decode()
        writer.write(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
            ).encode()
        )
        enc = "msgpack" if "msgpack" in hdrs.get("content-type", "") else "json"
        op = 2 if enc == "msgpack" else 1
        pack = msgspec.msgpack.encode if enc == "msgpack" else msgspec.json.encode
        if path.startswith("/v2/"):  # the adapter: Alpaca's handshake first
            writer.write(ws_frame(pack([{"T": "success", "msg": "connected"}]), op))
            await read_client_frame(reader)
            writer.write(ws_frame(pack([{"T": "success", "msg": "authenticated"}]), op))
            await read_client_frame(reader)
            writer.write(
                ws_frame(pack([{"T": "subscription", "quotes": SYMBOLS, "trades": SYMBOLS}]), op)
            )
        writer.write(blobs[enc])
        writer.write(ws_frame(struct.pack("!H", 1000), 8))
        try:  # the client's close frame, then close at once (websockets waits for that)
            await writer.drain()
            await asyncio.wait_for(read_client_frame(reader), timeout=10)
        except (ConnectionError, TimeoutError, asyncio.IncompleteReadError):
            pass
        writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port_q.put(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    asyncio.run(main())


async def run_aiohttp(url: str, expect: int, raw: bool = True) -> float:
    """``raw``: text frames as bytes (``decode_text=False``, what the adapter uses)."""
    decode = msgspec.json.Decoder(list[DataMessage]).decode
    count = 0
    async with aiohttp.ClientSession() as session:
        t0 = time.perf_counter()
        async with session.ws_connect(url, decode_text=not raw, max_msg_size=0) as ws:
            while True:
                msg = await ws.receive()
                if msg.type is aiohttp.WSMsgType.TEXT:
                    count += len(decode(msg.data))
                else:
                    break
        elapsed = time.perf_counter() - t0
    assert count == expect, (count, expect)
    return count / elapsed


async def run_websockets(url: str, expect: int, raw: bool = True) -> float:
    """``raw``: text frames as bytes (``recv(decode=False)``); else ``async for`` on str."""
    decode = msgspec.json.Decoder(list[DataMessage]).decode
    count = 0
    t0 = time.perf_counter()
    async with wsclient.connect(url, max_size=None, compression=None) as ws:
        if raw:
            try:
                while True:
                    count += len(decode(await ws.recv(decode=False)))
            except websockets_closed():
                pass
        else:
            async for msg in ws:
                count += len(decode(msg))
    elapsed = time.perf_counter() - t0
    assert count == expect, (count, expect)
    return count / elapsed


def websockets_closed() -> type[Exception]:
    from websockets.exceptions import ConnectionClosed

    return ConnectionClosed


class CountingSink:
    def __init__(self, expect: int, done: asyncio.Event) -> None:
        self.n, self.expect, self.done = 0, expect, done
        self.errors = 0

    def on_quote(self, symbol: Symbol, ts: int, bid: int, bs: int, ask: int, asz: int) -> None:
        self.n += 1
        if self.n == self.expect:
            self.done.set()

    def on_trade(self, symbol: Symbol, ts: int, price: int, size: int, aggressor: Side) -> None:
        pass

    def on_feed(self, event: FeedEvent) -> None:
        pass

    def on_decode_error(self, reason: str) -> None:
        self.errors += 1


async def run_adapter(root: str, expect: int, encoding: Encoding) -> float:
    ins = {
        Symbol(s): Instrument(
            symbol=Symbol(s), price_increment=Decimal("0.01"), size_increment=Decimal(1)
        )
        for s in SYMBOLS
    }
    feed = AlpacaMarketData(
        DataConfig(root, "k", "s", stale_after_s=60, heartbeat_s=60, encoding=encoding), ins
    )
    done = asyncio.Event()
    sink = CountingSink(expect, done)
    t0 = time.perf_counter()
    task = asyncio.create_task(feed.run([Symbol(s) for s in SYMBOLS], sink))
    await asyncio.wait_for(done.wait(), 120)
    elapsed = time.perf_counter() - t0
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert sink.errors == 0
    return expect / elapsed


def bench_timestamps(n: int = 200_000) -> tuple[float, float]:
    from engine.venues.alpaca.protocol import parse_ts

    texts = [f"2024-03-01T15:30:{(i // 1000) % 60:02d}.{i * 7919 % 10**9:09d}Z" for i in range(n)]
    t0 = time.perf_counter()
    for t in texts:
        parse_ts(t)
    ours = (time.perf_counter() - t0) / n * 1e9
    t0 = time.perf_counter()
    for t in texts:  # what it would take: fromisoformat (us precision) plus the ns digits
        datetime.fromisoformat(t[:26] + "+00:00").timestamp()
        int(t[26:29])
    theirs = (time.perf_counter() - t0) / n * 1e9
    return ours, theirs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--frames", type=int, default=20_000)
    ap.add_argument("--batch", type=int, default=10)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    logging.getLogger("scalpbot").setLevel(logging.ERROR)  # the adapter's reconnect notes
    expect = args.frames * args.batch
    port_q: Any = mp.Queue()
    server = mp.Process(target=serve, args=(port_q, args.frames, args.batch), daemon=True)
    server.start()
    port = port_q.get(timeout=60)
    root = f"ws://127.0.0.1:{port}"
    res: dict[str, list[float]] = {
        "aiohttp": [],
        "websockets": [],
        "aiohttp_str": [],
        "websockets_str": [],
        "adapter_json": [],
        "adapter_msgpack": [],
    }
    for _ in range(args.runs):
        res["aiohttp"].append(asyncio.run(run_aiohttp(root + "/raw", expect)))
        res["websockets"].append(asyncio.run(run_websockets(root + "/raw", expect)))
        res["aiohttp_str"].append(asyncio.run(run_aiohttp(root + "/raw", expect, raw=False)))
        res["websockets_str"].append(asyncio.run(run_websockets(root + "/raw", expect, False)))
        res["adapter_json"].append(asyncio.run(run_adapter(root, expect, "json")))
        res["adapter_msgpack"].append(asyncio.run(run_adapter(root, expect, "msgpack")))
    server.terminate()
    med = {k: statistics.median(v) for k, v in res.items()}
    ratio = med["aiohttp"] / med["websockets"]
    ratio_str = med["aiohttp_str"] / med["websockets_str"]
    ts_ours, ts_iso = bench_timestamps()
    print(f"{expect:,} quotes in {args.frames:,} frames of {args.batch}, median of {args.runs}")
    print("  frames as bytes (aiohttp decode_text=False, websockets recv(decode=False)):")
    print(f"    aiohttp    recv+decode: {med['aiohttp']:>12,.0f} msg/s")
    print(f"    websockets recv+decode: {med['websockets']:>12,.0f} msg/s")
    print(f"    ratio aiohttp/websockets: {ratio:.2f}x")
    print("  frames as str (each library's default):")
    print(f"    aiohttp    recv+decode: {med['aiohttp_str']:>12,.0f} msg/s")
    print(f"    websockets recv+decode: {med['websockets_str']:>12,.0f} msg/s")
    print(f"    ratio aiohttp/websockets: {ratio_str:.2f}x")
    print(f"  adapter end to end, json:    {med['adapter_json']:>12,.0f} msg/s")
    print(f"  adapter end to end, msgpack: {med['adapter_msgpack']:>12,.0f} msg/s")
    print(
        f"  timestamps: parse_ts {ts_ours:.0f} ns/call, fromisoformat+ns {ts_iso:.0f} ns/call "
        f"({ts_iso / ts_ours:.1f}x)"
    )
    print(
        json.dumps(
            {
                "bench": "ws_clients",
                "messages": expect,
                "frames": args.frames,
                "batch": args.batch,
                "runs": args.runs,
                "aiohttp_msg_s": round(med["aiohttp"]),
                "websockets_msg_s": round(med["websockets"]),
                "ratio": round(ratio, 2),
                "aiohttp_str_msg_s": round(med["aiohttp_str"]),
                "websockets_str_msg_s": round(med["websockets_str"]),
                "ratio_str": round(ratio_str, 2),
                "adapter_json_msg_s": round(med["adapter_json"]),
                "adapter_msgpack_msg_s": round(med["adapter_msgpack"]),
                "parse_ts_ns": round(ts_ours),
                "fromisoformat_ns": round(ts_iso),
            }
        )
    )


if __name__ == "__main__":
    main()
