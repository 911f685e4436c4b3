"""The screening package reads one way (issue 20, structure): the term index is built from the
lists and the fold tables, the one way of checking reads the index, the screener holds it; no
module reaches into another's private names, and no import goes back up."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import nlu.screening

PACKAGE = Path(nlu.screening.__file__).parent
PREFIX = "nlu.screening"

# Each stage imports only stages before it (and the foundations every stage may use: model,
# options, fold, lists, words, farm, contact, patterns, pinyin, views, recompose...): the term
# index, then the candidates and the judge of them, then the way of checking, then the screener.
STAGES = [
    "automata",
    "index",
    "candidates",
    "judge",
    "text_by_text",
    "screener",
    "reloading",
    "__init__",
]
# (namedtuple's own API begins with an underscore so as not to clash with field names)
PUBLIC_UNDERSCORED = {"_replace", "_asdict", "_fields", "_make"}


def _trees() -> dict[str, ast.Module]:
    return {path.stem: ast.parse(path.read_text("utf-8")) for path in sorted(PACKAGE.glob("*.py"))}


def _imports(tree: ast.Module) -> dict[str, set[str]]:
    """The package's modules this module imports (type-only imports too), with the names it takes
    from each ("" for the module itself)."""
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PREFIX):
            if node.module == PREFIX:
                for alias in node.names:
                    found.setdefault(alias.name, set()).add("")
            else:
                names = found.setdefault(node.module.split(".")[2], set())
                names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PREFIX + "."):
                    found.setdefault(alias.name.split(".")[2], set()).add("")
    return found


def test_no_module_imports_another_modules_private_names() -> None:
    taken = [
        f"{module} takes {name} from {source}"
        for module, tree in _trees().items()
        for source, names in _imports(tree).items()
        for name in names
        if name.startswith("_") and source != module
    ]

    assert taken == []


def test_no_module_reads_private_attributes_of_other_objects() -> None:
    """``self._x`` is a class's own business; ``words._x`` or ``screener._x`` is reaching in."""
    read = [
        f"{module}:{node.lineno} {ast.unparse(node)}"
        for module, tree in _trees().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and node.attr not in PUBLIC_UNDERSCORED
        and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
    ]

    assert read == []


def test_the_package_imports_without_a_cycle() -> None:
    graph = {module: set(_imports(tree)) - {module} for module, tree in _trees().items()}

    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:  # pragma: no cover - the assertion's message
        raise AssertionError(f"import cycle: {error.args[1]}") from error
    assert set(order) >= set(STAGES)


def test_the_stages_import_one_way() -> None:
    trees = _trees()
    back = [
        f"{module} imports {imported}"
        for rank, module in enumerate(STAGES)
        for imported in _imports(trees[module])
        if imported in STAGES and STAGES.index(imported) >= rank and imported != module
    ]
    foundations = [
        f"{module} imports {imported}"
        for module, tree in trees.items()
        if module not in STAGES
        for imported in _imports(tree)
        if imported in STAGES
    ]

    assert back == []
    assert foundations == []
