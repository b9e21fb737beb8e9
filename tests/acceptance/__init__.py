"""Acceptance tests of the live runtime: real processes, real sockets, a real store."""
