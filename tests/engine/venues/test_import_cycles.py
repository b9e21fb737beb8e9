"""No import circle inside engine.venues (TYPE_CHECKING imports count too): a new
venue package plugs into the registry without knotting the adapters together."""

from __future__ import annotations

import grimp


def test_no_venue_module_imports_itself_through_another() -> None:
    graph = grimp.build_graph("engine")
    venues = [m for m in graph.modules if m.startswith("engine.venues")]
    circles = sorted(
        {
            tuple(sorted((module, imported)))
            for module in venues
            for imported in graph.find_modules_directly_imported_by(module)
            if imported.startswith("engine.venues")
            and graph.chain_exists(importer=imported, imported=module)
        }
    )
    assert circles == []
