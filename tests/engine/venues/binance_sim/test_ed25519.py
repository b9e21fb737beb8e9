"""Ed25519 API keys on the simulated Binance: signed orders accepted, any change refused.

Signing is written here from Binance's documented algorithm, independent of
``engine.venues.binance``: ``signature = base64(Ed25519-sign(exact query text))``,
then percent-encoded as the last query pair (``+ / =`` become ``%2B %2F %3D``).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote
from urllib.parse import unquote_to_bytes
from urllib.parse import urlencode

import aiohttp
import pytest
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1
from cryptography.hazmat.primitives.asymmetric.ec import generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.hazmat.primitives.serialization import PublicFormat
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from engine.venues.binance_sim import BinanceSimConfig
from engine.venues.binance_sim import BinanceSimVenue
from engine.venues.binance_sim.keys import SimKey
from engine.venues.binance_sim.keys import verify
from tests.engine.venues.binance_sim.support import API_KEY
from tests.engine.venues.binance_sim.support import KEY
from tests.engine.venues.binance_sim.support import SECRET
from tests.engine.venues.binance_sim.support import Client
from tests.engine.venues.binance_sim.support import FakeClock
from tests.engine.venues.binance_sim.support import capture_book
from tests.engine.venues.binance_sim.support import signed_query as hmac_query

# RFC 8032 section 7.1, TEST 1: secret key, public key, and the signature of the empty message.
RFC_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC_EMPTY_SIG = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
    "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)
PRIVATE = Ed25519PrivateKey.from_private_bytes(RFC_SECRET)
PUBLIC_PEM = PRIVATE.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
ED_API_KEY = "simEd25519Key0123456789"
ED_KEY = SimKey.ed25519(ED_API_KEY, PUBLIC_PEM)


def ed_query(params: dict[str, str], *, ts: int) -> str:
    """``k=v&...&timestamp=ts&signature=<percent-encoded base64 Ed25519 signature>``."""
    query = urlencode({**params, "timestamp": str(ts)}, quote_via=quote, safe="")
    signature = base64.b64encode(PRIVATE.sign(query.encode("ascii"))).decode("ascii")
    return f"{query}&signature={quote(signature, safe='')}"


@asynccontextmanager
async def running() -> AsyncIterator[Client]:
    """The sim on loopback with one HMAC and one Ed25519 key, and a raw client."""
    clock = FakeClock()
    venue = BinanceSimVenue(BinanceSimConfig(keys=(KEY, ED_KEY)), clock=clock, book=capture_book())
    await venue.start()
    try:
        async with aiohttp.ClientSession() as session:
            yield Client(session, venue, clock)
    finally:
        await venue.stop()


def test_rfc8032_vector_verifies() -> None:
    key = SimKey.ed25519("rfc", PUBLIC_PEM)
    signature = base64.b64encode(RFC_EMPTY_SIG).decode()
    assert PRIVATE.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw) == RFC_PUBLIC
    assert verify(key, b"", signature)
    assert not verify(key, b"x", signature)
    assert not verify(key, b"", "not base64!")


async def test_ed25519_order_accepted() -> None:
    """A LIMIT order and its query, both Ed25519-signed in the query, go through."""
    async with running() as client:
        params = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC"}
        params |= {"quantity": "0.001", "price": "50000.0", "newClientOrderId": "ed/1:a"}
        query = ed_query(params, ts=client.clock.ms)
        assert query.endswith("%3D%3D")  # the 64-byte signature's padding, percent-encoded
        placed = await client.raw("POST", "/fapi/v1/order", query, api_key=ED_API_KEY)
        assert placed.status == 200, placed.body
        assert (placed.body["status"], placed.body["clientOrderId"]) == ("NEW", "ed/1:a")
        lookup = ed_query({"symbol": "BTCUSDT", "origClientOrderId": "ed/1:a"}, ts=client.clock.ms)
        found = await client.raw("GET", "/fapi/v1/order", lookup, api_key=ED_API_KEY)
        assert found.status == 200 and found.body["orderId"] == placed.body["orderId"], found.body


async def test_kinds_do_not_cross() -> None:
    """An Ed25519 key refuses an HMAC signature (64 hex chars are valid base64 of 48 bytes),
    and an HMAC key refuses an Ed25519 signature; both -1022."""
    async with running() as client:
        ts = client.clock.ms
        hmac_signed = hmac_query({"symbol": "BTCUSDT"}, ts=ts)
        refused = await client.raw("GET", "/fapi/v1/openOrders", hmac_signed, api_key=ED_API_KEY)
        assert (refused.status, refused.code) == (400, -1022), refused.body
        ed_signed = ed_query({"symbol": "BTCUSDT"}, ts=ts)
        refused = await client.raw("GET", "/fapi/v1/openOrders", ed_signed, api_key=API_KEY)
        assert (refused.status, refused.code) == (400, -1022), refused.body
        accepted = await client.raw("GET", "/fapi/v1/openOrders", hmac_signed, api_key=API_KEY)
        assert accepted.status == 200, accepted.body


def test_key_construction_refuses_mistakes() -> None:
    ec_pem = (
        generate_private_key(SECP256R1())
        .public_key()
        .public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(ValueError, match="not an Ed25519 key"):
        SimKey.ed25519("ec", ec_pem)
    with pytest.raises(ValueError, match="could not be loaded"):
        SimKey.ed25519("junk", b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    with pytest.raises(ValueError, match="public key PEM only"):
        SimKey("both", SECRET, kind="ed25519", public_key=PUBLIC_PEM)
    with pytest.raises(ValueError, match="needs a secret"):
        SimKey("hmac", SECRET, public_key=PUBLIC_PEM)
    assert "PUBLIC KEY" not in repr(ED_KEY) and ED_API_KEY in repr(ED_KEY)


_ALPHABET = "abcdefABCDEF0123456789xyzXYZ-_.~%&=+/"
_MARK = "&signature="


@st.composite
def _mutation(draw: st.DrawFn) -> tuple[str, str]:
    params = {
        "symbol": "BTCUSDT",
        # a param openOrders reads (an unread one is -1104 since review L2)
        "recvWindow": str(draw(st.integers(1, 60_000))),
    }
    query = ed_query(params, ts=FakeClock().ms)
    i = draw(st.integers(0, len(query) - 1))
    skip = query.index(_MARK)
    if skip <= i < skip + len(_MARK):
        i = skip - 1  # the pair's name is not signed: mutate the byte before it instead
    new = draw(st.sampled_from([c for c in _ALPHABET if c != query[i]]))
    return query, query[:i] + new + query[i + 1 :]


def _same_signature(original: str, mutated: str) -> bool:
    """Whether a change to the signature value leaves the decoded 64 bytes as they were:
    ``%3d`` is ``%3D``, and base64's unused trailing bits are not part of the signature."""
    head, _, value = mutated.rpartition(_MARK)
    if head != original.rpartition(_MARK)[0]:
        return False
    try:
        decoded = base64.b64decode(unquote_to_bytes(value), validate=True)
    except (binascii.Error, ValueError):
        return False
    return decoded == base64.b64decode(unquote_to_bytes(original.rpartition(_MARK)[2]))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutation())
def test_mutation_fails(case: tuple[str, str]) -> None:
    """One byte changed in the signed bytes or in the signature text gives 400 -1022, unless
    the signature value still decodes to the same signature bytes (then it is the same request)."""
    original, mutated = case

    async def run() -> None:
        async with running() as client:
            good = await client.raw("GET", "/fapi/v1/openOrders", original, api_key=ED_API_KEY)
            assert good.status == 200, good.body
            bad = await client.raw("GET", "/fapi/v1/openOrders", mutated, api_key=ED_API_KEY)
            if _same_signature(original, mutated):
                assert bad.status == 200, (mutated, bad.body)
            else:
                assert (bad.status, bad.code) == (400, -1022), (mutated, bad.body)
                assert bad.content_type == "application/json"

    asyncio.run(run())


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


async def test_equivalent_signature_text_is_the_same_signature() -> None:
    """The exception above, on fixed cases: lower-case percent escapes and the last base64
    character's 4 unused bits do not change the signature; its 2 data bits do."""
    async with running() as client:
        query = ed_query({"symbol": "BTCUSDT"}, ts=client.clock.ms)
        head, last = query[: -len("x%3D%3D")], _B64.index(query[-len("x%3D%3D")])
        cases = {
            query[: -len("%3D%3D")] + "%3d%3d": 200,
            head + _B64[last ^ 0b000001] + "%3D%3D": 200,
            head + _B64[last ^ 0b010000] + "%3D%3D": 400,
        }
        for sent, status in cases.items():
            assert _same_signature(query, sent) is (status == 200)
            answer = await client.raw("GET", "/fapi/v1/openOrders", sent, api_key=ED_API_KEY)
            assert answer.status == status, (sent, answer.body)
