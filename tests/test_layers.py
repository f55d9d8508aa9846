"""Modules import only downward: no import cycle anywhere in the package (issue 13)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
           for p in (ROOT / "newscrawl").rglob("*.py")}


def imports_of(name: str) -> set[str]:
    """The package modules ``name`` imports when it runs: at any depth of its code (late imports
    too), not in ``if TYPE_CHECKING:`` blocks, which never execute. ``from package import module`` is
    an edge to the module, not to the package's ``__init__``."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    typing_only = {id(inner) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
                   for inner in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("newscrawl"):
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def reaches(start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        for following in GRAPH[todo.pop()]:
            if following == goal:
                return True
            if following not in seen:
                seen.add(following)
                todo.append(following)
    return False


def test_the_replica_server_and_its_client_side_section_import_one_way():
    assert "newscrawl.replica.js_section" in GRAPH["newscrawl.replica.server"]
    assert not reaches("newscrawl.replica.js_section", "newscrawl.replica.server")


def test_no_module_of_the_package_imports_itself_back_when_it_runs():
    assert "newscrawl.replica.server" in GRAPH["newscrawl.replica.network"]  # the graph sees the imports
    cycles = sorted(name for name in GRAPH if reaches(name, name))
    assert cycles == []
