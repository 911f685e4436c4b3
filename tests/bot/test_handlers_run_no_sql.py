"""Handlers ask core, never the database: no SQL in the modules an update runs through.

The house rule (data flows edge → core → storage) was broken in six dialogs modules that read rows
themselves; one of them, the expert's queue page, looked up the farmer of every listed line. Read
from the source, so a handler that starts a query again fails here before review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

EDGE_MODULES = sorted(
    [*(REPO_ROOT / "dialogs").glob("*.py"), *(REPO_ROOT / "bot" / "middlewares").glob("*.py")]
)


def database_access(source: str) -> list[str]:
    """Each place in `source` that reaches the database itself: an import of SQLAlchemy, or a unit of
    work's `.session`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [
                f"line {node.lineno}: import {a.name}"
                for a in node.names
                if a.name.split(".")[0] == "sqlalchemy"
            ]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            found.append(f"line {node.lineno}: from {node.module} import …")
        elif isinstance(node, ast.Attribute) and node.attr == "session":
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_the_check_sees_a_query_in_a_handler() -> None:
    handler = (
        "from sqlalchemy import select\nasync def h(uow):\n    return await uow.session.get(Farmer, 1)\n"
    )
    assert database_access(handler) == ["line 1: from sqlalchemy import …", "line 3: uow.session"]
    assert database_access("import sqlalchemy.orm\n") == ["line 1: import sqlalchemy.orm"]
    assert database_access("from core.queries import expert_name\n") == []


@pytest.mark.parametrize("path", EDGE_MODULES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_no_edge_module_reaches_the_database(path: Path) -> None:
    assert database_access(path.read_text(encoding="utf-8")) == []
