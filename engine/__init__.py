"""scalpbot trading engine: model, sans-I/O core, and the asyncio shell around it."""

__version__ = "0.1.0"
