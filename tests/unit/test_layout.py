"""The package's layout holds: layers import downward only, no SQL outside storage, pure code stays pure.

The folders follow the flow crawl -> extract -> store -> search / publish (docs/development.md, "Layout"). The
replica portal, a test double, is a package of its own beside the runtime (``govscraper_replica``): govscraper
imports it only inside the commands that serve it, and it takes no code from what it stands in for. These tests
read the source with :mod:`ast`, so a change that breaks the layout fails here, naming the file and the line,
rather than years later in a reader's head.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "govscraper"
#: The replica portal and the fake Wayback Machine: the demo's, the tests' and the benchmarks' double.
REPLICA = PACKAGE.parent / "govscraper_replica"
#: The one module of govscraper that may import the replica, and only inside its commands (demo, replica).
REPLICA_USER = Path("cli/serving.py")

#: Each part of the package and its rank: a module may import from its own part and from parts of a lower or equal
#: rank, never from a higher one. Shared vocabulary at the bottom; the commands at the top.
RANKS = {
    "text": 0,
    "addresses": 0,
    "signals": 0,
    "settings": 0,
    "config": 0,
    "progress": 0,
    "model": 1,
    "files": 2,
    "extract": 2,
    "registry": 3,
    "archive": 4,
    "sources": 4,
    "search": 5,
    "items": 6,
    "crawl": 6,
    "middlewares": 6,
    "extensions": 6,
    "logformatter": 6,
    "pipelines": 6,
    "spiders": 6,
    "publish": 7,
    "ops": 7,
    "cli": 8,
    "__main__": 9,
}
#: Lazy imports (inside a function) that may go upward, and why.
LAZY_UPWARD = {
    "config.py": "a setting's value is checked by the parser of the part that uses it (Wayback timestamps)",
}
#: Parts whose code must run without Scrapy or Twisted: the same functions serve crawls, ``extract``, imports,
#: benchmarks and tests.
PURE = ("text", "extract", "archive", "search", "addresses", "model", "registry")
#: Parts that may hold SQL: the archive's own code, and the readers built on it.
SQL_ALLOWED = ("archive", "search", "publish")
SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|WITH)\b", re.IGNORECASE)


def part_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def modules(package: Path = PACKAGE) -> list[Path]:
    return sorted(path for path in package.rglob("*.py") if path.name != "__init__.py" or path.parent != package)


def imports(path: Path, lazy: bool = True) -> list[tuple[int, str]]:
    """Every ``govscraper.*`` module this file imports, with its line (also inside functions unless not ``lazy``)."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = ast.walk(tree) if lazy else iter(tree.body)
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "govscraper":
                found += [(node.lineno, f"govscraper.{alias.name}") for alias in node.names]
            elif node.module.startswith("govscraper."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("govscraper.")]
    return found


def test_every_part_has_a_rank():
    parts = {part_of(path) for path in modules()}
    assert parts <= set(RANKS), f"give these a rank in RANKS: {sorted(parts - set(RANKS))}"


@pytest.mark.parametrize("path", modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_layers_import_downward_only(path):
    here = part_of(path)
    upward = [
        f"{path.relative_to(PACKAGE)}:{line} imports {module} ({module.split('.')[1]} is above {here})"
        for line, module in imports(path, lazy=str(path.relative_to(PACKAGE)) not in LAZY_UPWARD)
        if module.split(".")[1] != here and RANKS[module.split(".")[1]] > RANKS[here]
    ]
    assert not upward, "\n".join(upward)


@pytest.mark.parametrize("path", modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_sql_only_in_storage_and_its_readers(path):
    if part_of(path) in SQL_ALLOWED:
        return
    statements = [
        f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value[:60]!r}"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and SQL.match(node.value)
        and re.search(r"\b(FROM|INTO|TABLE|SET|VALUES)\b", node.value)
    ]
    assert not statements, "SQL outside archive/, search/ and publish/:\n" + "\n".join(statements)


@pytest.mark.parametrize(
    "path", [p for p in modules() if part_of(p) in PURE], ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_pure_parts_import_no_scrapy_or_twisted(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    names += [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module]
    assert not [name for name in names if name.split(".")[0] in ("scrapy", "twisted")]


def test_no_two_modules_share_a_name():
    """Not within govscraper, nor between govscraper and the replica: a name says which module it is."""
    names = Counter(
        path.name for path in modules() + modules(REPLICA) if path.name not in ("__init__.py", "__main__.py")
    )
    assert [name for name, count in names.items() if count > 1] == []


def imported_modules(path: Path) -> list[tuple[int, str, bool]]:
    """Every module ``path`` imports: ``(line, module, at import time)``, the last False inside a function (lazy).

    Also ``importlib.import_module("...")`` and ``__import__("...")`` with the name written out."""
    found: list[tuple[int, str, bool]] = []

    def visit(node: ast.AST, eager: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name, eager) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module, eager))
            found.extend((node.lineno, f"{node.module}.{alias.name}", eager) for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and (getattr(node.func, "attr", None) == "import_module" or getattr(node.func, "id", None) == "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value, eager))
        lazy = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        for child in ast.iter_child_nodes(node):
            visit(child, eager and not lazy)

    visit(ast.parse(path.read_text(encoding="utf-8")), True)
    return found


def is_replica(module: str) -> bool:
    return module == "govscraper_replica" or module.startswith("govscraper_replica.")


@pytest.mark.parametrize("path", modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_govscraper_imports_the_replica_only_lazily_in_its_commands(path):
    """Importing govscraper (any module, at import time: also in class bodies and ``if`` blocks) never imports the
    replica; only ``cli/serving.py`` imports it at all, inside the ``demo`` and ``replica`` commands."""
    found = [(line, module, eager) for line, module, eager in imported_modules(path) if is_replica(module)]
    eager = [f"{path.relative_to(PACKAGE)}:{line} imports {module} at import time" for line, module, e in found if e]
    assert not eager, "\n".join(eager)
    if path.relative_to(PACKAGE) != REPLICA_USER:
        assert not found, f"{path.relative_to(PACKAGE)} imports the replica (only {REPLICA_USER} may): {found}"


def loaded_by(names: list[str]) -> set[str]:
    """Every module loaded once ``names`` are imported in a fresh Python process."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return set(json.loads(result.stdout))


def test_importing_all_of_govscraper_leaves_the_replica_unloaded():
    """The same, as Python sees it: every module of govscraper imported in a fresh process, and no replica module."""
    names = [
        ".".join(("govscraper", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
        for path in modules()
        if path.name != "__main__.py"
    ]
    assert not any(module.split(".")[0] == "govscraper_replica" for module in loaded_by(names))


def test_the_commands_that_serve_the_replica_import_it():
    """The rule above is not vacuous: cli/serving.py does import the replica, lazily."""
    found = [(module, eager) for _, module, eager in imported_modules(PACKAGE / REPLICA_USER) if is_replica(module)]
    assert found
    assert not any(eager for _, eager in found)


@pytest.mark.parametrize("path", modules(REPLICA), ids=lambda path: str(path.relative_to(REPLICA)))
def test_the_replica_takes_no_code_from_govscraper(path):
    """A double shares no code with what it tests (a bug in govscraper must not hide in the replica too). Only its
    ``__main__`` runs the ``govscraper replica`` command, which is where that command's options live."""
    taken = [
        f"govscraper_replica/{path.relative_to(REPLICA)}:{line} imports {module}"
        for line, module, _ in imported_modules(path)
        if module == "govscraper" or module.startswith("govscraper.")
    ]
    if path.relative_to(REPLICA) == Path("__main__.py"):
        allowed = {"govscraper.cli.serving", "govscraper.cli.serving.replica"}
        assert {line.rsplit(" ", 1)[1] for line in taken} <= allowed, taken
    else:
        assert not taken, "\n".join(taken)


def test_the_platforms_are_listed_once():
    """The list of platforms is written in one place (``extract/profiles``); everything else takes it from there."""
    from govscraper.extract.profiles import PLATFORMS

    written = []
    for path in modules():
        if path == PACKAGE / "extract" / "profiles" / "__init__.py":
            continue  # the one place
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Tuple | ast.List | ast.Set):
                values = {elt.value for elt in node.elts if isinstance(elt, ast.Constant)}
                if len(values & set(PLATFORMS)) >= 3:
                    written.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert written == [], f"platforms written out again at {written}"


def test_each_platform_is_read_by_the_profile_module_of_its_name():
    """``PLATFORMS`` names the profile modules (imported only when ``PROFILES`` is first used), then ``generic``."""
    from govscraper.extract.profiles import GENERIC, PLATFORMS, PROFILES

    assert [*PROFILES, GENERIC] == list(PLATFORMS)
    assert {name: module.PLATFORM for name, module in PROFILES.items()} == {name: name for name in PROFILES}


def test_the_commands_that_only_read_import_neither_scrapy_nor_the_page_readers():
    """``govscraper --help``, ``portals``, ``search``, ``show``, ``export``...: the command line, the registry, the
    archive's lookups and WARC helpers and the exporter load without Scrapy, parsel or lxml (0.3 s of CPU a
    process), which only crawls and extraction need, and without surt (tldextract and requests: 0.12 s), which
    only SURT keys need."""
    heavy = {"scrapy", "parsel", "lxml", "surt", "tldextract", "requests"}
    modules = ["govscraper.cli", "govscraper.registry", "govscraper.archive.lookup", "govscraper.publish.export"]
    assert heavy & loaded_by(modules) == set()


def test_no_two_public_classes_share_a_name():
    """One name per concept: a class name says which one it is (a Wayback capture is not a WARC capture)."""
    where: dict[str, list[str]] = {}
    for path in modules():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                where.setdefault(node.name, []).append(str(path.relative_to(PACKAGE)))
    assert {name: paths for name, paths in where.items() if len(paths) > 1} == {}


def test_tests_import_helpers_never_other_tests():
    """What tests share lives in ``tests/helpers/``: no test module (nor a benchmark) imports a test module or
    ``conftest.py``, so each test file can be read, run and moved alone."""
    root = PACKAGE.parent
    wrong = []
    for path in [*sorted((root / "tests").rglob("*.py")), *sorted((root / "benchmarks").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            if isinstance(node, ast.ImportFrom) and node.module == "tests":
                names += [f"tests.{alias.name}" for alias in node.names]
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            wrong += [
                f"{path.relative_to(root)}:{node.lineno} imports {name}"
                for name in names
                if name.startswith(("tests.test_", "tests.conftest")) or name in ("conftest",)
            ]
    assert wrong == []
