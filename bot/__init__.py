"""Telegram command interface (arrives with the chat-ops issue)."""
