"""Every command, registered once: the registry generates handlers, /help and menus."""

from __future__ import annotations

from bot.commands import admin
from bot.commands import meta
from bot.commands import read
from bot.commands import trade
from bot.registry import Registry


def build_registry() -> Registry:
    return Registry([*read.COMMANDS, *meta.COMMANDS, *trade.COMMANDS, *admin.COMMANDS])


__all__ = ["build_registry"]
