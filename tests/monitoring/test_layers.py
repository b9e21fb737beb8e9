"""monitoring imports only engine.control, engine.events and engine.model."""

from __future__ import annotations

import re

from tests.monitoring.tools import ROOT


def test_monitoring_imports_only_the_engines_public_layers() -> None:
    allowed = {"engine.control", "engine.events", "engine.model"}
    for path in sorted((ROOT / "monitoring").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for module in re.findall(r"^\s*(?:from|import)\s+(engine(?:\.\w+)?)", text, re.M):
            assert module in allowed, f"{path.name} imports {module}"
        assert not re.search(r"^\s*(?:from|import)\s+bot\b", text, re.M), path.name
