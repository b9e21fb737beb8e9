"""API keys the simulated Binance accepts, and signature verification.

HMAC-SHA256 only for now: the signature is the lowercase hex digest of the
signed bytes, compared in constant time. Ed25519 keys are declared but refused
(verify False) until ``cryptography`` is in the lock and
``engine.venues.binance.signing.verify`` lands; this module then delegates to it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from dataclasses import field
from typing import Literal

from engine.config.secret import register

KeyKind = Literal["hmac", "ed25519"]


@dataclass(frozen=True, slots=True)
class SimKey:
    """One API key: ``secret`` is the HMAC secret (masked in repr, known to the redactor)."""

    api_key: str
    secret: str = field(repr=False)
    kind: KeyKind = "hmac"

    def __post_init__(self) -> None:
        if not self.api_key or not self.secret:
            raise ValueError("a simulated Binance key needs an api key and a secret")
        register(self.secret, "the simulated Binance key's secret")


def verify(key: SimKey, payload: bytes, signature: str) -> bool:
    """True when ``signature`` (already url-decoded) signs ``payload`` under ``key``."""
    if key.kind != "hmac":
        return False
    expected = hmac.new(key.secret.encode(), payload, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))
