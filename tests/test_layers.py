"""The library's arrows point one way: no module imports from a layer above its own.

Data flows from the registries up to the command line; a module may import its
own layer or any layer below it. A module the table does not name fails the
test too, so every new module is placed in a layer on purpose.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("sezp_roadmap", "pipelines")

# Lowest first. A module is named by its path under the package (a subpackage by its folder).
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    # Errors, paths, settings (with the assessments they name): what every step uses.
    # (quick_exit: ending the command or a report worker without Python's teardown.)
    (
        "foundation",
        frozenset({"sezp_roadmap", "errors", "paths", "config", "assessments", "safe_export", "quick_exit"}),
    ),
    # One registry per concept, and the findings store that ingest and validation both write.
    ("registries", frozenset({"subgroups", "periods", "extracts", "metrics", "rules", "findings", "dictionary"})),
    # The warehouse connection, with the rules every query shares (sql/macros/, reading the registries' lists).
    ("warehouse", frozenset({"warehouse"})),
    # A district's own exports read through a source profile into the canonical extracts (before ingest reads them).
    ("sources", frozenset({"sources"})),
    # Landing files into staging, the schemas of what landed, what to refresh when files change.
    # (unread: the landing folder's entries that are not extracts, described.)
    ("ingest", frozenset({"ingest", "landing", "schemas", "refresh", "unread"})),
    # (problem_list: the errors told once per kind, and listed in full in a file.)
    ("validation", frozenset({"validation", "problem_list"})),
    # Computing the marts: metric cells, suppression, the reconciliation with DESE's figures.
    ("metrics", frozenset({"metric_engine", "suppression", "reconciliation"})),
    # Numbers and reasons as data: whether a difference is likely real, lever scores, targets.
    ("decisions", frozenset({"signals", "levers", "targets"})),
    # Words, charts and pages.
    ("reporting", frozenset({"reporting"})),
    # The stages a run goes through, and the Dagster definitions over them.
    ("pipelines", frozenset({"stages", "pipelines"})),
    # The command line, its read-only SQL shell and dev server, and the sample zone it writes on request.
    ("cli", frozenset({"cli", "sample", "sql_shell", "dev_server"})),
)
RANK = {unit: rank for rank, (_, units) in enumerate(LAYERS) for unit in units}
LAYER_NAMES = [name for name, _ in LAYERS]


def unit_of(module: str) -> str:
    """'sezp_roadmap.reporting.sections' -> 'reporting'; 'sezp_roadmap.levers' -> 'levers'; 'pipelines.x' -> 'pipelines'."""
    parts = module.split(".")
    if parts[0] == "pipelines":
        return "pipelines"
    return parts[1] if len(parts) > 1 else parts[0]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imported_modules(path: Path) -> set[str]:
    """Every project module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from sezp_roadmap import levers` imports the module sezp_roadmap.levers.
            names = [
                f"{node.module}.{alias.name}" if is_module(f"{node.module}.{alias.name}") else node.module
                for alias in node.names
            ]
        else:
            continue
        found |= {name for name in names if name.split(".")[0] in PACKAGES}
    return found


def project_files() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def test_every_module_has_a_layer():
    unplaced = sorted({module_name(p) for p in project_files() if unit_of(module_name(p)) not in RANK})
    assert not unplaced, f"place these modules in a layer of tests/test_layers.py: {unplaced}"


@pytest.mark.parametrize("path", project_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_from_a_layer_above_its_own(path):
    importer = module_name(path)
    rank = RANK.get(unit_of(importer))
    if rank is None:
        pytest.skip("not placed (test_every_module_has_a_layer fails)")
    upward = [
        f"{importer} ({LAYER_NAMES[rank]}) imports {target} ({LAYER_NAMES[RANK[unit_of(target)]]})"
        for target in sorted(imported_modules(path))
        if RANK.get(unit_of(target), -1) > rank
    ]
    assert not upward, "\n".join(upward)


def test_the_checker_sees_an_upward_import(tmp_path):
    # The test above can fail: an ingest-layer file importing validation is caught.
    source = tmp_path / "probe.py"
    source.write_text("from sezp_roadmap.validation import run\nfrom sezp_roadmap import levers, warehouse\n")
    targets = imported_modules(source)
    assert targets == {"sezp_roadmap.validation.run", "sezp_roadmap.levers", "sezp_roadmap.warehouse"}
    assert {t for t in targets if RANK[unit_of(t)] > RANK["ingest"]} == {
        "sezp_roadmap.validation.run",
        "sezp_roadmap.levers",
    }
