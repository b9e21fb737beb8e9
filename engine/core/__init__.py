"""The sans-I/O trading core: synchronous, deterministic, imports only the model."""
