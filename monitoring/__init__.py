"""The Prometheus exporter: a plugin serving ``/metrics`` on the runtime's HTTP server.

``metrics`` (the table of every metric), ``collector`` (scrape-time reading of
``Control.snapshot()``), ``events`` (counting rare engine events off the bus),
``loop_lag`` (event-loop lag), ``plugin`` (``create()``, the entry point), and
``grafana`` and ``dashboards`` (the source of the Grafana dashboards in
deploy/grafana/dashboards).
Imports only ``engine.control``, ``engine.bus`` and ``engine.model``.
"""
