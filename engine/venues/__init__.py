"""Venue adapters behind one port (``engine.venues.base``), and the simulated venue.

The runtime gets its venue from ``engine.venues.registry.open_venue(spec)`` by
``spec.kind`` and imports no adapter; ``engine.venues.memory`` is an in-memory
execution for tests.
"""
