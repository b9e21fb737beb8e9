"""Which plugins are installed, read from package metadata without importing any.

A plugin is an entry point in the ``scalpbot.plugins`` group. Listing them reads
each distribution's ``entry_points.txt`` only; nothing is imported until the
runtime loads a plugin the configuration enables. The loader checks
``plugins.enabled`` against this list, so a name that is not installed, or that
two installed packages both claim, stops the start-up naming the key.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import EntryPoint
from importlib.metadata import entry_points
from typing import Any

from engine.config.errors import ConfigError
from engine.config.schema import Config

GROUP = "scalpbot.plugins"


def installed() -> dict[str, list[EntryPoint]]:
    """Every installed ``scalpbot.plugins`` entry point by name (none is imported)."""
    found: dict[str, list[EntryPoint]] = {}
    for ep in entry_points(group=GROUP):
        found.setdefault(ep.name, []).append(ep)
    return found


def offered_by(ep: EntryPoint) -> str:
    """``distribution (module:attr)``, for messages."""
    dist = ep.dist.name if ep.dist is not None else "?"
    return f"{dist} ({ep.value})"


def problem(name: str, eps: list[EntryPoint]) -> str | None:
    """Why plugin ``name`` cannot be loaded from ``eps`` (its entry points), or None."""
    if not eps:
        return f"plugin {name!r} is not installed (no {GROUP} entry point of that name)"
    if len(eps) > 1:
        who = ", ".join(offered_by(ep) for ep in eps)
        return f"plugin {name!r} is offered by more than one installed package: {who}"
    return None


def check_plugins(config: Config) -> None:
    """ConfigError (key ``plugins.enabled``) unless each enabled plugin is installed
    once; and ``[telegram]`` enabled while the telegram plugin is not is a contradiction."""
    if config.telegram.enabled and "telegram" not in config.plugins.enabled:
        raise ConfigError(
            "telegram.enabled", "is true but the telegram plugin is not in plugins.enabled"
        )
    found = installed()
    for name in config.plugins.enabled:
        why = problem(name, found.get(name, []))
        if why is not None:
            known = ", ".join(sorted(found)) or "none"
            raise ConfigError("plugins.enabled", f"{why} (installed: {known})")


def loaders(enabled: tuple[str, ...]) -> list[tuple[str, Callable[[], Any] | str]]:
    """For each enabled name, in order: (name, the entry point's ``load``), or (name,
    why it cannot be loaded). Plugins that are not enabled are not even looked at."""
    found = installed()
    out: list[tuple[str, Callable[[], Any] | str]] = []
    for name in enabled:
        eps = found.get(name, [])
        why = problem(name, eps)
        out.append((name, why if why is not None else eps[0].load))
    return out
