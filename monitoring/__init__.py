"""Prometheus exporter (arrives with the monitoring issue)."""
