"""Telegram chat-ops: commands in through one gate, alerts out through one outbox.

A plugin of the runtime (``bot.plugin:create``); it imports only ``engine.control``,
``engine.bus`` and ``engine.model``. See docs/telegram.md.
"""
