#!/usr/bin/env bash
# The whole test suite: lint, types, layering, then pytest.
source "$(dirname "$0")/_env.sh"
# Debian's real Prometheus, promtool, Alertmanager and amtool for the monitoring tests;
# libfaketime (package faketime) moves the clock of the day-in-the-life acceptance test.
if ! command -v promtool >/dev/null || ! command -v amtool >/dev/null \
    || ! command -v faketime >/dev/null; then
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
        echo "== installing prometheus, prometheus-alertmanager and faketime (apt)"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            prometheus prometheus-alertmanager faketime >/dev/null
    else
        echo "promtool/amtool/faketime missing: install prometheus, prometheus-alertmanager, faketime" >&2
        exit 1
    fi
fi
echo "== ruff";          .venv/bin/ruff check .
echo "== ruff format";   .venv/bin/ruff format --check .
echo "== mypy";          .venv/bin/mypy
echo "== import layers"; .venv/bin/lint-imports
echo "== pytest";        exec .venv/bin/python -m pytest "$@"
