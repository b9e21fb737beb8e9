"""The live runtime: the asyncio shell around the core (venues, store, control, scheduler)."""
