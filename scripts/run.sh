#!/usr/bin/env bash
# Run scalpbot on its embedded defaults. Until the live runtime lands this is a
# demo backtest of sma_cross on real Binance ticks, with a report in reports/demo.
source "$(dirname "$0")/_env.sh"
exec .venv/bin/scalpbot backtest \
    --data ../shared/data/binance_usdm_btcusdt_20240808_quotes.csv \
    --strategy sma_cross --set fast=10 --set slow=50 --set band=0.01 \
    --set paper.taker_fee=0.0004 --report reports/demo "$@"
