"""``scalpbot sim-venue``: arguments, one-line errors, and a clean stop on SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from engine.venues.sim import DEFAULT_KEY
from engine.venues.sim import DEFAULT_SECRET
from engine.venues.sim.cli import add_parser
from engine.venues.sim.cli import build_config
from engine.venues.sim.cli import main
from engine.venues.sim.cli import parse_listen
from tests.engine.venues.sim.support import HEADERS
from tests.engine.venues.sim.support import REPO

RUN = (
    "import argparse, sys\n"
    "from engine.venues.sim.cli import add_parser\n"
    "p = argparse.ArgumentParser(prog='scalpbot')\n"
    "add_parser(p.add_subparsers())\n"
    "args = p.parse_args(sys.argv[1:])\n"
    "sys.exit(args.func(args))\n"
)


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scalpbot")
    add_parser(parser.add_subparsers())
    return parser.parse_args(["sim-venue", *argv])


def test_parse_listen() -> None:
    assert parse_listen("127.0.0.1:8765") == ("127.0.0.1", 8765)
    assert parse_listen("[::1]:0") == ("::1", 0)
    for bad in ("8765", "host:", "host:99999", ":80"):
        with pytest.raises(ValueError, match="HOST:PORT"):
            parse_listen(bad)


def test_build_config() -> None:
    args = parse(
        "--listen", "127.0.0.1:0", "--seed", "9", "--symbols", "20", "--quote-rate", "500",
        "--fault", "rest_5xx=0.1", "--fault", "updates_delay_ms=20", "--state", "s.json",
        "--key", "k", "--secret", "s", "--cash", "2500.5",
    )  # fmt: skip
    config, host, port = build_config(args)
    assert (host, port) == ("127.0.0.1", 0)
    assert (config.seed, len(config.symbols), config.quote_rate) == (9, 20, 500.0)
    assert (config.faults.rest_5xx, config.faults.updates_delay_ms) == (0.1, 20.0)
    assert (config.state_file, config.key, config.secret) == ("s.json", "k", "s")
    assert config.starting_cash_nanos == 2_500_500_000_000


def test_the_default_pair_is_refused_off_loopback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCALPBOT_SIM_KEY", "sim-key")
    monkeypatch.setenv("SCALPBOT_SIM_SECRET", "sim-secret")
    assert main(parse("--listen", "0.0.0.0:8765")) == 2
    err = capsys.readouterr().err
    assert err.startswith("scalpbot sim-venue: refusing to listen on 0.0.0.0 with the default")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--fault", "nonsense=1"], "unknown fault 'nonsense'"),
        (["--fault", "rest_429=2"], "fault rest_429=2.0: must be a probability"),
        (["--key", "only-the-key"], "set both SCALPBOT_SIM_KEY and SCALPBOT_SIM_SECRET"),
        (["--cash", "lots"], "--cash expects a number"),
        (["--speed", "-2"], "speed must be >= 0"),
    ],
)
def test_usage_errors_are_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(parse(*argv)) == 2
    err = capsys.readouterr().err
    assert err.startswith("scalpbot sim-venue: ") and message in err
    assert err.count("\n") == 1


def test_missing_data_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCALPBOT_SIM_KEYS_FILE", str(tmp_path / "sim.keys"))
    assert main(parse("--listen", "127.0.0.1:0", "--data", str(tmp_path / "nope.csv"))) == 2
    assert "nope.csv" in capsys.readouterr().err


async def test_runs_until_sigterm_and_saves_state(tmp_path: Path) -> None:
    state = tmp_path / "venue.json"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", RUN, "sim-venue", "--listen", "127.0.0.1:0", "--state", str(state),
        cwd=REPO, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env=os.environ | {"SCALPBOT_SIM_KEY": DEFAULT_KEY, "SCALPBOT_SIM_SECRET": DEFAULT_SECRET},
    )  # fmt: skip
    try:
        line = (await asyncio.wait_for(proc.stdout.readline(), 15)).decode()  # type: ignore[union-attr]
        assert "listening on http://127.0.0.1:" in line
        url = line.rsplit(" ", 1)[1].strip()
        async with (
            aiohttp.ClientSession() as http,
            http.get(url + "/v2/account", headers=HEADERS) as resp,
        ):
            assert resp.status == 200
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 10) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert state.exists()
