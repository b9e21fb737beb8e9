#!/usr/bin/env bash
# Run scalpbot on its embedded defaults: the simulated venue starts in-process on
# a free loopback port and the bot trades it through the Alpaca adapter, storing
# to var/scalpbot.db. Ctrl-C stops it cleanly. Extra arguments go to `scalpbot run`.
source "$(dirname "$0")/_env.sh"
exec .venv/bin/scalpbot run "$@"
