"""Signing Binance requests: HMAC-SHA256 (lowercase hex) and Ed25519 (standard base64).

Contract (P§2.2, P§2.3; BC ``get_signature``, ``websocket_api_signature``):

- REST: the signature covers ``totalParams``, the query string followed directly by the
  body. Values are percent-encoded *before* signing (Binance answers -1022 otherwise since
  2026-01-15). :func:`signed_query` keeps the caller's order, appends ``recvWindow`` and
  ``timestamp``, signs that exact text and appends ``signature`` (percent-encoded: an
  Ed25519 base64 signature carries ``+ / =``).
- WebSocket API: every param but ``signature`` (``apiKey`` included) sorted by name, then
  url-encoded and signed; the signature goes into the JSON as it is (not percent-encoded).
- :func:`verify` checks a signature over the bytes received; it is for the simulator.

A signer holds its key and never shows it: ``repr`` names the kind only, the HMAC secret
is registered with the redactor, and no error message carries the key or a signed text.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Literal
from typing import Protocol
from urllib.parse import quote

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from engine.config.secret import register

SignerKind = Literal["hmac", "ed25519"]


class Signer(Protocol):
    """Signs the exact bytes Binance will verify; ``kind`` says how (hex or base64)."""

    @property
    def kind(self) -> SignerKind: ...

    def sign(self, payload: bytes) -> str:
        """HMAC: lowercase hex; Ed25519: base64, standard alphabet, padded."""
        ...


class HmacSigner:
    """HMAC-SHA256 with the key schedule done once: each call copies the keyed object."""

    __slots__ = ("_mac",)

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("an HMAC secret is required")
        register(secret, "the Binance API secret")
        self._mac = hmac.new(secret.encode(), digestmod=hashlib.sha256)

    @property
    def kind(self) -> SignerKind:
        return "hmac"

    def sign(self, payload: bytes) -> str:
        mac = self._mac.copy()
        mac.update(payload)
        return mac.hexdigest()

    def __repr__(self) -> str:
        return "HmacSigner(<secret>)"


class Ed25519Signer:
    """Ed25519 (RFC 8032, deterministic) from a PKCS#8 PEM private key."""

    __slots__ = ("_key",)

    def __init__(self, pem: bytes, password: bytes | None = None) -> None:
        try:
            key = load_pem_private_key(pem, password=password)
        except (ValueError, TypeError) as exc:
            # The library's message never quotes the key, but say only what went wrong.
            raise ValueError("the Ed25519 private key PEM could not be loaded") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the private key is not an Ed25519 key")
        self._key = key

    @classmethod
    def from_key(cls, key: Ed25519PrivateKey) -> Ed25519Signer:
        """A signer over an already loaded key (tests, the simulator's key pairs)."""
        signer = cls.__new__(cls)
        signer._key = key
        return signer

    @property
    def kind(self) -> SignerKind:
        return "ed25519"

    def sign(self, payload: bytes) -> str:
        return base64.b64encode(self._key.sign(payload)).decode("ascii")

    def __repr__(self) -> str:
        return "Ed25519Signer(<private key>)"


def canonical_query(params: Sequence[tuple[str, str]]) -> str:
    """``k=v&...`` in the given order, names and values percent-encoded (``safe=""``:
    space is ``%20``, and ``&=+/%`` and non-ASCII never appear raw)."""
    return "&".join(f"{_escape(k)}={_escape(v)}" for k, v in params)


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch


def _escape(text: str) -> str:
    """``quote(text, safe="")``, skipped for the usual all-unreserved text (hot path)."""
    return text if _UNRESERVED(text) else quote(text, safe="")


def signed_query(
    params: Sequence[tuple[str, str]],
    signer: Signer,
    *,
    timestamp_ms: int,
    recv_window_ms: int,
) -> str:
    """The query string to send: params, ``recvWindow``, ``timestamp``, ``signature``
    (the order of Binance's documented example).

    The signature covers every byte before ``&signature=`` (an empty body)."""
    head = canonical_query(params)
    tail = f"recvWindow={recv_window_ms}&timestamp={timestamp_ms}"
    total = f"{head}&{tail}" if head else tail
    signature = signer.sign(total.encode("ascii"))
    return f"{total}&signature={quote(signature, safe='')}"


def ws_api_params(
    params: Mapping[str, str | int],
    signer: Signer,
    *,
    api_key: str,
    timestamp_ms: int,
) -> dict[str, str | int]:
    """WebSocket-API ``params``: the caller's, ``apiKey`` and ``timestamp``, and the
    signature over their sorted, url-encoded form (not percent-encoded in the JSON)."""
    if "signature" in params:
        raise ValueError("params already carry a signature")
    out: dict[str, str | int] = {**params, "apiKey": api_key, "timestamp": timestamp_ms}
    ordered = sorted((k, str(v)) for k, v in out.items())
    payload = canonical_query(ordered).encode("ascii")
    out["signature"] = signer.sign(payload)
    return dict(sorted(out.items()))


def verify(kind: SignerKind, key_material: bytes, payload: bytes, signature: str) -> bool:
    """Whether ``signature`` (hex for HMAC, base64 for Ed25519, already url-decoded) signs
    ``payload``. ``key_material`` is the HMAC secret's bytes, or an Ed25519 public key as
    PEM or 32 raw bytes. For the simulator: it never raises on a bad signature."""
    if kind == "hmac":
        expected = hmac.new(key_material, payload, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    public = _ed25519_public(key_material)
    try:
        public.verify(raw, payload)
    except InvalidSignature:
        return False
    return True


def _ed25519_public(key_material: bytes) -> Ed25519PublicKey:
    if len(key_material) == 32:  # a raw RFC 8032 public key
        return Ed25519PublicKey.from_public_bytes(key_material)
    key = load_pem_public_key(key_material)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the public key is not an Ed25519 key")
    return key
