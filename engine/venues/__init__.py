"""Venue adapters behind one port (``engine.venues.base``), and the simulated venue."""
