"""JSON read in SQL, the same on SQLite and PostgreSQL, so a hot read need not fetch and decode a JSON
column only to measure it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class json_array_length(FunctionElement[int]):
    """How many items a JSON array column holds; 0 for anything else (SQL NULL, JSON null, a scalar,
    an object), where PostgreSQL's own json_array_length would raise or answer NULL."""

    type = Integer()
    name = "json_array_length"
    inherit_cache = True


@compiles(json_array_length)
def _sqlite(element: json_array_length, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite's json_array_length answers 0 for a JSON non-array and NULL for SQL NULL.
    return f"coalesce(json_array_length({compiler.process(element.clauses, **kw)}), 0)"


@compiles(json_array_length, "postgresql")
def _postgresql(element: json_array_length, compiler: SQLCompiler, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    return f"CASE WHEN json_typeof({value}) = 'array' THEN json_array_length({value}) ELSE 0 END"
