"""API keys the simulated Binance accepts, and signature verification.

Verification is :func:`engine.venues.binance.signing.verify`, the adapter's own
(binance_sim imports binance, never the reverse), over the exact bytes received:

- ``kind="hmac"``: ``secret`` is the HMAC-SHA256 secret (masked in repr, known to
  the redactor); the signature is the lowercase hex digest, compared in constant time.
- ``kind="ed25519"``: ``public_key`` is the key's PEM (SubjectPublicKeyInfo), as a
  user registers it with Binance; the signature is standard base64 (already
  url-decoded by the caller). A PEM that is not an Ed25519 public key is refused
  when the key is built (ValueError), never at request time.

A key of one kind never accepts the other kind's signature (hex is not a 64-byte
base64 Ed25519 signature, and an Ed25519 key has no HMAC secret).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.hazmat.primitives.serialization import PublicFormat
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from engine.config.secret import register
from engine.venues.binance.signing import verify as verify_signature

KeyKind = Literal["hmac", "ed25519"]


@dataclass(frozen=True, slots=True)
class SimKey:
    """One API key: an HMAC ``secret``, or (``kind="ed25519"``) a ``public_key`` PEM."""

    api_key: str
    secret: str = field(default="", repr=False)
    kind: KeyKind = "hmac"
    public_key: bytes = field(default=b"", repr=False)
    # What verify() takes: the secret's bytes, or the 32 raw public-key bytes (parsed once).
    _material: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.api_key:
            raise ValueError("a simulated Binance key needs an api key")
        if self.kind == "hmac":
            if not self.secret or self.public_key:
                raise ValueError("an HMAC simulated Binance key needs a secret and no public key")
            register(self.secret, "the simulated Binance key's secret")
            object.__setattr__(self, "_material", self.secret.encode())
        elif self.kind == "ed25519":
            if self.secret or not self.public_key:
                raise ValueError("an Ed25519 simulated Binance key needs a public key PEM only")
            object.__setattr__(self, "_material", _raw_public_key(self.public_key))
        else:
            raise ValueError(f"unknown simulated Binance key kind {self.kind!r}")

    @classmethod
    def ed25519(cls, api_key: str, public_key_pem: bytes) -> SimKey:
        """An Ed25519 key from its public PEM (SubjectPublicKeyInfo)."""
        return cls(api_key, kind="ed25519", public_key=public_key_pem)


def _raw_public_key(pem: bytes) -> bytes:
    try:
        key = load_pem_public_key(pem)
    except (ValueError, TypeError) as exc:
        raise ValueError("the Ed25519 public key PEM could not be loaded") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the public key is not an Ed25519 key")
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def verify(key: SimKey, payload: bytes, signature: str) -> bool:
    """True when ``signature`` (already url-decoded) signs ``payload`` under ``key``."""
    return verify_signature(key.kind, key._material, payload, signature)
