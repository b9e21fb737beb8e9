"""Binance client order ids: what each product accepts, and the ids Binance itself uses.

``newClientOrderId`` must match ``^[\\.A-Z\\:/a-z0-9_-]{1,36}$`` on USD-M and
``^[a-zA-Z0-9-_]{1,36}$`` on spot (P§2.2, UO). Binance names the orders it places itself
(liquidation, auto-deleverage, settlement closes) with the prefixes in
:data:`SYSTEM_ID_PREFIXES`; :func:`check_client_id` refuses them for our own orders, and
:func:`system_close_kind` recognises them in the user stream.
"""

from __future__ import annotations

import re
from typing import Literal

BinanceProduct = Literal["usdm", "spot"]
SystemCloseKind = Literal["liquidation", "adl", "settlement"]

MAX_ID_LEN = 36
USDM_ID = re.compile(r"[\.A-Z\:/a-z0-9_-]{1,36}")
SPOT_ID = re.compile(r"[a-zA-Z0-9\-_]{1,36}")
SYSTEM_ID_PREFIXES = ("autoclose-", "adl_autoclose", "settlement_autoclose-")
_SYSTEM_KINDS: dict[str, SystemCloseKind] = {
    "autoclose-": "liquidation",
    "adl_autoclose": "adl",
    "settlement_autoclose-": "settlement",
}
_PATTERNS = {"usdm": USDM_ID, "spot": SPOT_ID}


def check_client_id(cid: str, product: BinanceProduct) -> str | None:
    """None if Binance accepts ``cid`` as our ``newClientOrderId`` on ``product``, else
    why not (a short reason naming no more than the rule)."""
    if not cid:
        return "empty client order id"
    if len(cid) > MAX_ID_LEN:
        return f"client order id longer than {MAX_ID_LEN} characters ({len(cid)})"
    if _PATTERNS[product].fullmatch(cid) is None:
        return f"client order id has characters {product} does not accept"
    if cid.startswith(SYSTEM_ID_PREFIXES):
        return "client order id starts with a Binance system prefix"
    return None


def system_close_kind(cid: str) -> SystemCloseKind | None:
    """Which of Binance's own closes ``cid`` names, if any."""
    for prefix, kind in _SYSTEM_KINDS.items():
        if cid.startswith(prefix):
            return kind
    return None


def is_system_close(cid: str) -> bool:
    """Whether Binance, not us, placed the order ``cid`` names."""
    return cid.startswith(SYSTEM_ID_PREFIXES)
