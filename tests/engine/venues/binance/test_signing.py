"""Signing: Binance's golden HMAC vector, RFC 8032 Ed25519 vectors, and round trips
(sign then verify; a signed query re-parses to the same params)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from urllib.parse import parse_qsl
from urllib.parse import unquote

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.hazmat.primitives.serialization import NoEncryption
from cryptography.hazmat.primitives.serialization import PrivateFormat
from cryptography.hazmat.primitives.serialization import PublicFormat
from hypothesis import given
from hypothesis import strategies as st

from engine.venues.binance.signing import Ed25519Signer
from engine.venues.binance.signing import HmacSigner
from engine.venues.binance.signing import Signer
from engine.venues.binance.signing import canonical_query
from engine.venues.binance.signing import signed_query
from engine.venues.binance.signing import verify
from engine.venues.binance.signing import ws_api_params

# P§2.2 and Binance's REST docs ("SIGNED endpoint examples for POST /api/v3/order").
GOLDEN_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
GOLDEN_QUERY = (
    "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
    "&recvWindow=5000&timestamp=1499827319559"
)
GOLDEN_SIGNATURE = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"

# RFC 8032 section 7.1, TEST 1, 2 and 3: (secret key, public key, message, signature).
RFC8032 = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
]

# A few fixed HMAC secrets: each signer registers its secret with the process-wide
# redactor, so drawing fresh ones per example would grow that set without bound.
HMAC_SECRETS = [GOLDEN_SECRET, "a" * 64, "s3cr3t-with-%26-and-+/=-in-it"]
ED_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
ED_PEM = ED_KEY.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
ED_PUBLIC_PEM = ED_KEY.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)

# Names and values with every character that must be escaped, and unicode.
NASTY = st.text(alphabet=st.sampled_from("&=+/% ?#aZ09-_.~é€😀\t"), max_size=12) | st.text(
    max_size=12
)
PARAMS = st.lists(st.tuples(NASTY.filter(bool), NASTY), max_size=8)
UNRESERVED_OR_ESCAPE = re.compile(r"(?:[A-Za-z0-9_.~-]|%[0-9A-F]{2})*")


def test_golden_vector() -> None:
    """Binance's documented example reproduces exactly, by the signer and end to end
    through ``signed_query``."""
    signer = HmacSigner(GOLDEN_SECRET)
    assert signer.sign(GOLDEN_QUERY.encode()) == GOLDEN_SIGNATURE
    params = [
        ("symbol", "LTCBTC"),
        ("side", "BUY"),
        ("type", "LIMIT"),
        ("timeInForce", "GTC"),
        ("quantity", "1"),
        ("price", "0.1"),
    ]
    query = signed_query(params, signer, timestamp_ms=1499827319559, recv_window_ms=5000)
    assert query == f"{GOLDEN_QUERY}&signature={GOLDEN_SIGNATURE}"
    assert verify("hmac", GOLDEN_SECRET.encode(), GOLDEN_QUERY.encode(), GOLDEN_SIGNATURE)


@pytest.mark.parametrize(("secret", "public", "message", "signature"), RFC8032)
def test_ed25519_rfc8032_vectors(secret: str, public: str, message: str, signature: str) -> None:
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(secret))
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    signer = Ed25519Signer(pem)
    got = signer.sign(bytes.fromhex(message))
    assert base64.b64decode(got, validate=True).hex() == signature
    assert verify("ed25519", bytes.fromhex(public), bytes.fromhex(message), got)


@given(st.sampled_from(HMAC_SECRETS), st.binary(max_size=300))
def test_hmac_roundtrip(secret: str, payload: bytes) -> None:
    signer = HmacSigner(secret)
    signature = signer.sign(payload)
    assert signature == hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", signature)
    assert verify("hmac", secret.encode(), payload, signature)
    assert not verify("hmac", secret.encode(), payload + b"x", signature)
    assert not verify("hmac", secret.encode(), payload, signature.upper() + "é")
    assert not verify("hmac", secret.encode(), payload, "\udcff" * 64)  # url-decoded junk
    assert not verify("ed25519", ED_PUBLIC_PEM, payload, "\udcff" * 88)


@given(st.binary(max_size=300), st.integers(min_value=0, max_value=299))
def test_ed25519_roundtrip(payload: bytes, flip: int) -> None:
    signer = Ed25519Signer(ED_PEM)
    signature = signer.sign(payload)
    assert base64.b64encode(base64.b64decode(signature, validate=True)).decode() == signature
    assert verify("ed25519", ED_PUBLIC_PEM, payload, signature)
    if payload:
        i = flip % len(payload)
        mutated = payload[:i] + bytes([payload[i] ^ 1]) + payload[i + 1 :]
        assert not verify("ed25519", ED_PUBLIC_PEM, mutated, signature)
    assert not verify("ed25519", ED_PUBLIC_PEM, payload, "not base64!")


@pytest.mark.parametrize("signer", [HmacSigner(GOLDEN_SECRET), Ed25519Signer(ED_PEM)])
@given(params=PARAMS, timestamp=st.integers(0, 2**45), window=st.integers(1, 60_000))
def test_query_percent_encoding(
    signer: Signer, params: list[tuple[str, str]], timestamp: int, window: int
) -> None:
    """The signed query is ASCII, escapes everything but unreserved characters, keeps
    the given order, re-parses to the same params, and its signature verifies over
    the exact bytes before ``&signature=``."""
    query = signed_query(params, signer, timestamp_ms=timestamp, recv_window_ms=window)
    pairs = query.split("&")
    for pair in pairs:
        name, _, value = pair.partition("=")
        assert UNRESERVED_OR_ESCAPE.fullmatch(name) and UNRESERVED_OR_ESCAPE.fullmatch(value)
    decoded = parse_qsl(query, keep_blank_values=True, strict_parsing=True)
    assert decoded[:-3] == params
    assert decoded[-3:-1] == [("recvWindow", str(window)), ("timestamp", str(timestamp))]
    signed, _, encoded_signature = query.rpartition("&signature=")
    material = GOLDEN_SECRET.encode() if signer.kind == "hmac" else ED_PUBLIC_PEM
    assert verify(signer.kind, material, signed.encode(), unquote(encoded_signature))
    assert canonical_query(params) == signed.removesuffix(
        f"recvWindow={window}&timestamp={timestamp}"
    ).removesuffix("&")


@pytest.mark.parametrize("signer", [HmacSigner(GOLDEN_SECRET), Ed25519Signer(ED_PEM)])
@given(
    params=st.dictionaries(
        NASTY.filter(lambda k: k not in {"apiKey", "timestamp", "signature"}),
        NASTY | st.integers(),
        max_size=6,
    )
)
def test_ws_api_params_sorted_and_verify(signer: Signer, params: dict[str, str | int]) -> None:
    """WS-API: all params but ``signature`` (``apiKey`` in), sorted, url-encoded, signed;
    the signature goes in as it is (base64 for Ed25519, not percent-encoded)."""
    out = ws_api_params(params, signer, api_key="k" * 64, timestamp_ms=1_700_000_000_000)
    signature = out.pop("signature")
    assert isinstance(signature, str)
    assert list(out) == sorted(out)
    assert out["apiKey"] == "k" * 64 and out["timestamp"] == 1_700_000_000_000
    payload = canonical_query(sorted((k, str(v)) for k, v in out.items())).encode()
    material = GOLDEN_SECRET.encode() if signer.kind == "hmac" else ED_PUBLIC_PEM
    assert verify(signer.kind, material, payload, signature)


def test_signers_never_show_their_key() -> None:
    hmac_signer = HmacSigner(GOLDEN_SECRET)
    ed_signer = Ed25519Signer(ED_PEM)
    for text in (repr(hmac_signer), str(hmac_signer), repr(ed_signer), str(ed_signer)):
        assert GOLDEN_SECRET not in text and "PRIVATE" not in text
    with pytest.raises(ValueError) as caught:
        Ed25519Signer(ED_PEM.replace(b"M", b"N", 1))
    assert ED_PEM.decode() not in str(caught.value)


def test_wrong_key_kinds_refused() -> None:
    with pytest.raises(ValueError, match="required"):
        HmacSigner("")
    with pytest.raises(ValueError, match="signature"):
        ws_api_params({"signature": "x"}, HmacSigner(GOLDEN_SECRET), api_key="k", timestamp_ms=1)
