"""`scalpbot check-config`: one line, exit 0 or 2; the shipped example passes."""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from engine.config import check_config
from engine.config import load_config
from engine.config.cli import EXIT_CONFIG
from engine.config.cli import EXIT_OK
from engine.config.cli import add_parser
from tests.engine.config.conftest import ALPACA_ENV

EXAMPLE = Path(__file__).resolve().parents[3] / "deploy" / "scalpbot.example.toml"


def _run(path: Path | None, env: dict[str, str], **kw: bool) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = check_config(path, env, out=out, err=err, **kw)
    return code, out.getvalue(), err.getvalue()


def test_example_file_passes() -> None:
    code, out, err = _run(EXAMPLE, {})
    assert (code, err) == (EXIT_OK, "")
    assert out.startswith("config OK: venue=sim (embedded) strategy=micro_momentum")
    assert out.count("\n") == 1


def test_example_file_paper_trades_alpaca_with_env_only() -> None:
    config = load_config(EXAMPLE, {"SCALPBOT__VENUE__KIND": "alpaca", **ALPACA_ENV})
    assert config.venue.url == "https://paper-api.alpaca.markets"
    assert config.schedule.sessions[0].name == "us_regular"


def test_bad_config_prints_one_line_and_exits_2(write: Callable[[str], Path]) -> None:
    path = write("[risk]\nmax_spread_bps = -1\n")
    code, out, err = _run(path, {})
    assert code == EXIT_CONFIG and out == ""
    assert err == f"config error in {path}: risk.max_spread_bps must not be negative (got -1.0)\n"


def test_env_errors_name_the_variable() -> None:
    code, _, err = _run(None, {"SCALPBOT__RISK__BOGUS": "1"})
    assert code == EXIT_CONFIG
    assert err.startswith("config error: risk.bogus: unknown key")
    assert err.rstrip().endswith("(from SCALPBOT__RISK__BOGUS)")


def test_no_secrets_flag_skips_missing_credentials(write: Callable[[str], Path]) -> None:
    path = write('[venue]\nkind = "alpaca"')
    assert _run(path, {})[0] == EXIT_CONFIG
    assert _run(path, {}, require_secrets=False)[0] == EXIT_OK


def test_subcommand(
    write: Callable[[str], Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parser = argparse.ArgumentParser(prog="scalpbot")
    add_parser(parser.add_subparsers(dest="command", required=True))
    monkeypatch.delenv("APCA_API_KEY_ID", raising=False)
    monkeypatch.delenv("APCA_API_SECRET_KEY", raising=False)
    alpaca = write('[venue]\nkind = "alpaca"')
    args = parser.parse_args(["check-config", str(alpaca)])
    assert args.func(args) == EXIT_CONFIG
    assert "venue.key_file: no credential" in capsys.readouterr().err
    args = parser.parse_args(["check-config", "--no-secrets", str(alpaca)])
    assert args.func(args) == EXIT_OK
    assert capsys.readouterr().out.startswith("config OK: venue=alpaca")
    args = parser.parse_args(["check-config", str(EXAMPLE)])
    assert args.func(args) == EXIT_OK
