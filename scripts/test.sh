#!/usr/bin/env bash
# The whole test suite: lint, types, layering, then pytest.
SCALPBOT_EXTRAS=dev source "$(dirname "$0")/_env.sh"
echo "== ruff";          .venv/bin/ruff check .
echo "== ruff format";   .venv/bin/ruff format --check .
echo "== mypy";          .venv/bin/mypy
echo "== import layers"; .venv/bin/lint-imports
echo "== pytest";        exec .venv/bin/python -m pytest "$@"
