"""The screening package reads one way (issue 20, structure): the term index is built from the
lists and the fold tables; candidates are found over it, then judged; the one way of checking runs
those stages, the screener holds it; no module reaches into another's private names, and no import
goes back up. A subpackage (the judge's) counts as one stage."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import nlu.screening

PACKAGE = Path(nlu.screening.__file__).parent
PREFIX = "nlu.screening"

# Each stage imports only stages before it (and the foundations every stage may use: model,
# options, fold, lists, words, farm, contact, patterns, pinyin, views, recompose...): the term
# index, then the candidates, finding them and judging them, then the way of checking, then the
# screener.
STAGES = [
    "automata",
    "index",
    "candidates",
    "finding",
    "judge",
    "text_by_text",
    "screener",
    "reloading",
    "__init__",
]
# (namedtuple's own API begins with an underscore so as not to clash with field names)
PUBLIC_UNDERSCORED = {"_replace", "_asdict", "_fields", "_make"}


def _trees() -> dict[str, ast.Module]:
    """Every module of the package by name: ``index``, or ``judge.word_edges`` in a subpackage
    (``judge`` for its ``__init__``; the package's own ``__init__`` is ``__init__``)."""
    trees: dict[str, ast.Module] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if len(parts) > 1 and parts[-1] == "__init__":
            parts = parts[:-1]
        trees[".".join(parts)] = ast.parse(path.read_text("utf-8"))
    return trees


def _stage(module: str) -> str:
    """The stage a module belongs to: a subpackage's modules are its stage."""
    return module.split(".")[0]


def _imports(tree: ast.Module) -> dict[str, set[str]]:
    """The package's modules this module imports (type-only imports too), with the names it takes
    from each ("" for the module itself); modules of a subpackage as ``judge.word_edges``."""
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PREFIX):
            if node.module == PREFIX:
                for alias in node.names:
                    found.setdefault(alias.name, set()).add("")
            else:
                names = found.setdefault(node.module.removeprefix(PREFIX + "."), set())
                names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PREFIX + "."):
                    found.setdefault(alias.name.removeprefix(PREFIX + "."), set()).add("")
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
    stages: dict[str, set[str]] = {
        _stage(module): set() for module in graph
    }  # and the subpackages as one module
    for module, imported in graph.items():
        stages[_stage(module)].update(_stage(i) for i in imported if _stage(i) != _stage(module))

    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:  # pragma: no cover - the assertion's message
        raise AssertionError(f"import cycle: {error.args[1]}") from error
    try:
        list(TopologicalSorter(stages).static_order())
    except CycleError as error:  # pragma: no cover - the assertion's message
        raise AssertionError(f"import cycle between stages: {error.args[1]}") from error
    assert set(order) >= set(STAGES)


def test_the_stages_import_one_way() -> None:
    trees = _trees()
    back = [
        f"{module} imports {imported}"
        for module, tree in trees.items()
        if _stage(module) in STAGES
        for imported in _imports(tree)
        if _stage(imported) in STAGES
        and STAGES.index(_stage(imported)) >= STAGES.index(_stage(module))
        and _stage(imported) != _stage(module)
    ]
    foundations = [
        f"{module} imports {imported}"
        for module, tree in trees.items()
        if _stage(module) not in STAGES
        for imported in _imports(tree)
        if _stage(imported) in STAGES
    ]

    assert back == []
    assert foundations == []


def test_finding_and_judging_know_only_the_candidates_between_them() -> None:
    """Finding makes candidates and does not judge them; the judge reads candidates and knows
    nothing of how they were found (the automata, the views' making, the one way of checking)."""
    trees = _trees()
    judge = {
        imported for module, tree in trees.items() if _stage(module) == "judge" for imported in _imports(tree)
    }

    assert {_stage(i) for i in _imports(trees["finding"])} & {"judge", "text_by_text"} == set()
    assert {_stage(i) for i in judge} & {"finding", "text_by_text", "automata", "index"} == set()
    assert "candidates" in judge
