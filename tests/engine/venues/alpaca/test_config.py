"""Where Alpaca lives, who we are, and how long to wait."""

from __future__ import annotations

import random

import pytest

from engine.venues.alpaca import AlpacaUrls
from engine.venues.alpaca import Backoff
from engine.venues.alpaca import Credentials
from engine.venues.alpaca import credentials_from_env
from engine.venues.alpaca.config import updates_url


def test_paper_urls() -> None:
    urls = AlpacaUrls.paper()
    assert urls.rest == "https://paper-api.alpaca.markets"
    assert urls.data == "wss://stream.data.alpaca.markets/v2/iex"
    assert urls.updates == "wss://paper-api.alpaca.markets/stream"
    assert AlpacaUrls.paper("sip").data.endswith("/v2/sip")


def test_one_venue_url_gives_everything() -> None:
    urls = AlpacaUrls.from_venue_url("http://127.0.0.1:8765/", "test")
    assert urls == AlpacaUrls(
        "http://127.0.0.1:8765", "ws://127.0.0.1:8765/v2/test", "ws://127.0.0.1:8765/stream"
    )
    assert updates_url("https://h:1") == "wss://h:1/stream"
    with pytest.raises(ValueError, match="http"):
        AlpacaUrls.from_venue_url("127.0.0.1:8765")
    with pytest.raises(ValueError, match="feed"):
        AlpacaUrls.paper("nasdaq")


def test_credentials_from_env_name_the_missing_variable() -> None:
    creds = credentials_from_env({"APCA_API_KEY_ID": "AK1", "APCA_API_SECRET_KEY": "s3cr3t!"})
    assert (creds.key_id, creds.secret) == ("AK1", "s3cr3t!")
    shown = repr(creds) + str(creds)
    assert "s3cr3t!" not in shown and "AK1" not in shown  # the key id is hidden too
    with pytest.raises(ValueError, match="APCA_API_SECRET_KEY") as info:
        credentials_from_env({"APCA_API_KEY_ID": "AK1"})
    assert "APCA_API_KEY_ID" not in str(info.value)
    with pytest.raises(ValueError, match="APCA_API_KEY_ID and APCA_API_SECRET_KEY"):
        credentials_from_env({"APCA_API_KEY_ID": " ", "APCA_API_SECRET_KEY": ""})
    with pytest.raises(ValueError) as info:
        credentials_from_env({"APCA_API_KEY_ID": "", "APCA_API_SECRET_KEY": "hush-123"})
    assert "hush-123" not in str(info.value)
    with pytest.raises(ValueError):
        Credentials("AK", "")


def test_backoff_full_jitter_grows_caps_resets_and_penalises() -> None:
    b = Backoff(0.5, 4.0, random.Random(11))
    rng = random.Random(11)
    assert [b.next() for _ in range(6)] == [rng.uniform(0, c) for c in (0.5, 1, 2, 4, 4, 4)]
    b.reset()
    assert b.next() <= 0.5
    assert all(2.0 <= b.penalty() <= 4.0 for _ in range(50))
    with pytest.raises(ValueError):
        Backoff(0, 1, random.Random())
