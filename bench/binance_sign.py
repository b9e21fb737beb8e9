"""Microseconds per signature: our HMAC and Ed25519 Binance signers against a bare
``hmac.new(...).hexdigest()`` on the same text, measured in the same run.

The text is a typical USD-M order query (symbol, side, type, timeInForce, quantity,
price, newClientOrderId, newOrderRespType, recvWindow, timestamp). Each case is timed
over ``--signs`` signatures per round; every round times all cases, and the figures are
medians over the rounds. ``signed_query`` adds building and percent-encoding the query
around the HMAC signer. ``ratio`` is a case's time over the baseline's.

    .venv/bin/python bench/binance_sign.py [--signs 20000] [--runs 5]

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.hazmat.primitives.serialization import NoEncryption
from cryptography.hazmat.primitives.serialization import PrivateFormat

from engine.venues.binance.signing import Ed25519Signer
from engine.venues.binance.signing import HmacSigner
from engine.venues.binance.signing import signed_query

SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
PARAMS = [
    ("symbol", "BTCUSDT"),
    ("side", "BUY"),
    ("type", "LIMIT"),
    ("timeInForce", "GTX"),
    ("quantity", "0.002"),
    ("price", "61234.50"),
    ("newClientOrderId", "sb-18c1e2d3f4a5b6c7-123456"),
    ("newOrderRespType", "RESULT"),
]
QUERY = (
    b"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTX&quantity=0.002&price=61234.50"
    b"&newClientOrderId=sb-18c1e2d3f4a5b6c7-123456&newOrderRespType=RESULT"
    b"&recvWindow=5000&timestamp=1733140000000"
)


def timed(fn: Callable[[], object], count: int) -> float:
    t0 = time.perf_counter()
    for _ in range(count):
        fn()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--signs", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    key = SECRET.encode()
    hmac_signer = HmacSigner(SECRET)
    pem = Ed25519PrivateKey.generate().private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
    )
    ed_signer = Ed25519Signer(pem)
    assert hmac_signer.sign(QUERY) == hmac.new(key, QUERY, hashlib.sha256).hexdigest()

    cases: dict[str, Callable[[], object]] = {
        "baseline": lambda: hmac.new(key, QUERY, hashlib.sha256).hexdigest(),
        "hmac": lambda: hmac_signer.sign(QUERY),
        "hmac_signed_query": lambda: signed_query(
            PARAMS, hmac_signer, timestamp_ms=1733140000000, recv_window_ms=5000
        ),
        "ed25519": lambda: ed_signer.sign(QUERY),
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, fn in cases.items():
            samples[name].append(timed(fn, args.signs))
    secs = {name: statistics.median(ts) for name, ts in samples.items()}

    print(
        f"{args.signs:,} signatures of a {len(QUERY)}-byte order query, median of "
        f"{args.runs} runs, Python {platform.python_version()}"
    )
    print(f"{'':18} {'us/sign':>9} {'ratio':>7}")
    figures: dict[str, object] = {
        "signs": args.signs,
        "runs": args.runs,
        "query_bytes": len(QUERY),
        "python": platform.python_version(),
    }
    for name, s in secs.items():
        us = s / args.signs * 1e6
        ratio = s / secs["baseline"]
        print(f"{name:18} {us:9.2f} {ratio:7.2f}")
        figures[f"{name}_us"] = round(us, 3)
        if name != "baseline":
            figures[f"{name}_ratio"] = round(ratio, 3)
    sys.stdout.write(json.dumps(figures) + "\n")


if __name__ == "__main__":
    main()
