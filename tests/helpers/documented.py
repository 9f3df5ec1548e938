"""The commands the documentation shows, read out of its Markdown, and how to run them offline.

``tests/e2e/test_documented_commands.py`` (and ``test_documented_benchmarks.py``, the benchmark commands) runs every
command of README.md and docs/ (fenced ``sh``/``bash``/``console`` blocks, and ``$ `` lines of plain blocks), so that
none can crash unseen. A command is run as written, with only
what must change to run offline on a test machine:

* a URL of a real portal (or a placeholder such as ``https://...``) becomes the local replica's;
* registered portals (``qni-moduc`` ...) point at the replica through a registry overlay (``GOVSCRAPER_REGISTRY``);
  for ``--source wayback`` they keep their real host, and ``GOVSCRAPER_WAYBACK_URL`` names a local Wayback stand-in;
* ports become ``0`` (any free port, bound by the server itself, which says which; ``serve`` gets it even where the
  documentation leaves the default); files a command reads (``page.html``, WARC files to import) are made first;
* a synopsis ``[--a | --b]`` runs once without the brackets' options and once with each alternative;
* benchmarks run at a small scale (``--articles 60 --rounds 1``): they must run, their figures are not the point;
* the two set-up commands' installation steps are what ``.ci/run`` does from a clean clone, and the test command
  is the suite itself: those steps are left to CI, the rest of each line runs.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The documents whose commands must run.
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]
SHELL_LANGUAGES = ("sh", "bash", "shell", "console")

#: Words that start a command worth running (after environment assignments).
RUNNABLE = ("govscraper", ".venv/bin/govscraper", "scrapy", ".venv/bin/python", "python", "sqlite3")
#: Steps that set a machine up: ``.ci/run`` performs them from a clean clone; the suite cannot rerun itself.
LEFT_TO_CI = ("python3 -m venv", ".venv/bin/pip install", "pip install", ".venv/bin/pytest", "bash .ci/run")
#: Programs the documentation shows that no test runs (they change the shell, talk to a Scrapyd, serve or build this
#: documentation, lint): a step starting with any other program that is not runnable is a mistake (a typo).
NOT_RUN = ("cd", ".", "source", "curl", "scrapyd", "scrapyd-deploy", "mkdocs", "ruff", "pytest", "pip", "python3")


@dataclass(frozen=True)
class Documented:
    """One command as the documentation shows it (synopsis brackets already expanded)."""

    where: str  # file:line
    text: str
    environment: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    argv: tuple[str, ...] = ()
    stdout: str | None = None  # "> file" in the documentation

    @property
    def ident(self) -> str:
        return f"{self.where} {self.text}"


def code_lines(path: Path) -> list[tuple[int, str]]:
    """``(line number, command line)`` for the command lines of ``path``'s fenced code blocks."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[tuple[int, str]] = []
    language: str | None = None
    pending: tuple[int, str] | None = None
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith("```"):
            language = None if language is not None else (stripped[3:].strip().lower() or "")
            continue
        if language is None:
            continue
        if pending is not None:  # a continued line
            start, text = pending
            text = text + " " + stripped.rstrip("\\").strip()
            pending = (start, text) if stripped.endswith("\\") else None
            if pending is None:
                found.append((start, text))
            continue
        if language in SHELL_LANGUAGES:
            command = stripped[2:] if stripped.startswith("$ ") else stripped
        elif stripped.startswith("$ "):
            command = stripped[2:]
        else:
            continue
        if not command or command.startswith("#"):
            continue
        if command.endswith("\\"):
            pending = (number, command.rstrip("\\").strip())
            continue
        found.append((number, command))
    return found


_OPTIONAL = re.compile(r"\s*\[([^\[\]]+)\]")


def variants(text: str) -> list[str]:
    """A synopsis line with ``[optional]`` parts: the line without them, then with each alternative in turn."""
    groups = _OPTIONAL.findall(text)
    base = " ".join(_OPTIONAL.sub("", text).split())
    if not groups:
        return [base]
    found = [base]
    for group in groups:
        for alternative in group.split("|"):
            found.append(" ".join(_OPTIONAL.sub("", text.replace(f"[{group}]", alternative.strip(), 1)).split()))
    return list(dict.fromkeys(found))


def steps(documents: list[Path] | None = None) -> list[tuple[str, str]]:
    """``(file:line, step)`` for every step of every command line shown, runnable or not (set-up steps included)."""
    found: list[tuple[str, str]] = []
    for path in documents or DOCUMENTS:
        for number, line in code_lines(path):
            for variant in variants(_without_comment(line)):
                for step in variant.split("&&"):
                    if step.strip():
                        found.append((f"{path.relative_to(ROOT)}:{number}", step.strip()))
    return list(dict.fromkeys(found))


def commands(documents: list[Path] | None = None) -> list[Documented]:
    """Every runnable command of the documentation, split from its comments, ``&&`` chains and ``> file``."""
    found: list[Documented] = []
    for path in documents or DOCUMENTS:
        for number, line in code_lines(path):
            where = f"{path.relative_to(ROOT)}:{number}"
            for variant in variants(_without_comment(line)):
                for step in variant.split("&&"):
                    step = step.strip()
                    if not step or step.startswith(LEFT_TO_CI):
                        continue
                    documented = _parse(where, step)
                    if documented is not None:
                        found.append(documented)
    return found


def _without_comment(line: str) -> str:
    """The line without a trailing ``# comment`` (a ``#`` inside quotes stays)."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].rstrip()
    return line


def _parse(where: str, step: str) -> Documented | None:
    words = shlex.split(step)
    environment = {}
    while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
        name, _, value = words.pop(0).partition("=")
        environment[name] = value
    if not words or not words[0].startswith(RUNNABLE):
        return None
    stdout = None
    if ">" in words:
        at = words.index(">")
        stdout = words[at + 1]
        words = words[:at] + words[at + 2 :]
    return Documented(where, step, environment, tuple(words), stdout)


# ------------------------------------------------------------------------------------------------ known commands


def problems(step: str) -> list[str]:
    """What is wrong with a documented step without running it: an unknown program, govscraper subcommand, option,
    choice or setting, a script or module that does not exist or does not take an option shown. Empty: it is known.

    Runs nothing and needs no archive, so every command of every page is checked in well under a second, including
    the ones no test can run (installs, Scrapyd, curl)."""
    words = shlex.split(step)
    found = [f"{name}: {why}" for name, why in ((n, _setting_problem(n)) for n in _assignments(words)) if why]
    if not words:
        return found
    if ">" in words:  # the shell's redirection, not an argument
        at = words.index(">")
        words = words[:at] + words[at + 2 :]
    program, args = words[0], words[1:]
    base = program.rsplit("/", 1)[-1]
    if base == "govscraper":
        found += _govscraper_problems(args)
    elif base == "scrapy":
        found += _scrapy_problems(args)
    elif base in ("python", "python3") and args and args[0] == "-m":
        found += _module_problems(args[1], args[2:]) if len(args) > 1 else ["python -m needs a module"]
    elif base == "python" and args:
        found += _script_problems(args[0], args[1:])
    elif base == "pytest":
        found += [f"no test file {word}" for word in args if word.endswith(".py") and not (ROOT / word).is_file()]
    elif base == "sqlite3" or base in NOT_RUN:
        pass
    else:
        found.append(f"unknown program {program!r} (runnable: {', '.join(RUNNABLE)}; shown only: {', '.join(NOT_RUN)})")
    return found


def _assignments(words: list[str]) -> list[str]:
    """Remove the leading ``NAME=value`` words of ``words`` (in place); return the names."""
    names = []
    while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
        names.append(words.pop(0).partition("=")[0])
    return names


def _setting_problem(name: str) -> str | None:
    """A ``GOVSCRAPER_*`` variable must be a setting, the config file's variable, or one the tests read."""
    from govscraper.config import CONFIG_VARIABLE, project_defaults

    if not name.startswith("GOVSCRAPER_") or name in project_defaults() or name == CONFIG_VARIABLE:
        return None
    readers = [
        path
        for path in (ROOT / "tests").rglob("*.py")
        if path.stem not in ("documented", "workbench", "test_documented_commands", "test_documented_benchmarks")
    ]
    if any(f'"{name}"' in path.read_text(encoding="utf-8") for path in readers):
        return None
    return "not a govscraper setting, nor a variable the tests read"


def _govscraper_problems(args: list[str]) -> list[str]:
    import click

    from govscraper.cli import cli
    from govscraper.config import ConfigError, default_of

    if not args or args[0] in ("-h", "--help", "--version"):
        return []
    command = cli.commands.get(args[0])
    if command is None:
        return [f"no command govscraper {args[0]} (known: {', '.join(sorted(cli.commands))})"]
    parser = command.make_parser(click.Context(command, info_name=args[0]))
    try:
        values, extra, _ = parser.parse_args(list(args[1:]))
    except click.UsageError as exc:
        return [f"govscraper {args[0]}: {exc.format_message()}"]
    found = [f"govscraper {args[0]}: unexpected argument {word!r}" for word in extra]
    for param in command.params:
        value = values.get(param.name)
        if value is None:
            continue
        if isinstance(param.type, click.Choice):
            for one in value if isinstance(value, (list, tuple)) else [value]:
                if one not in param.type.choices:
                    found.append(f"govscraper {args[0]} {param.opts[0]}: {one!r} is not one of {param.type.choices}")
        if "-s" in param.opts:
            for assignment in value if isinstance(value, (list, tuple)) else [value]:
                try:
                    default_of(str(assignment).partition("=")[0], "-s")
                except ConfigError as exc:
                    found.append(f"govscraper {args[0]} -s {assignment}: {exc}")
    return found


def _scrapy_problems(args: list[str]) -> list[str]:
    from scrapy.settings import Settings
    from scrapy.spiderloader import SpiderLoader

    from govscraper import settings

    if not args or args[0] != "crawl":
        return [f"scrapy {' '.join(args[:1])}: only 'scrapy crawl' is documented and run"]
    spiders = SpiderLoader(Settings({"SPIDER_MODULES": settings.SPIDER_MODULES})).list()
    if len(args) < 2 or args[1] not in spiders:
        return [f"scrapy crawl: no spider {args[1:2]} (known: {', '.join(spiders)})"]
    return []


def _options_taken(source: str, args: list[str]) -> list[str]:
    """The ``--options`` of ``args`` that the script's source never names (argparse's ``add_argument("--x")``)."""
    options = [word.partition("=")[0] for word in args if re.fullmatch(r"--?[a-zA-Z][\w-]*(=.*)?", word)]
    return [option for option in options if f'"{option}"' not in source and f"'{option}'" not in source]


def _script_problems(script: str, args: list[str]) -> list[str]:
    path = ROOT / script
    if not path.is_file():
        return [f"no script {script}"]
    return [f"{script} takes no option {option}" for option in _options_taken(path.read_text("utf-8"), args)]


def _module_problems(module: str, args: list[str]) -> list[str]:
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is None:
        return [f"no module {module}"]
    if module in ("venv", "pip", "pytest", "scrapy", "govscraper"):
        return []
    if module == "govscraper_replica":  # runs the click command govscraper replica: its options are that command's
        return _govscraper_problems(["replica", *args])
    main = importlib.util.find_spec(f"{module}.__main__") if spec.submodule_search_locations else spec
    source = Path(main.origin).read_text("utf-8") if main and main.origin else ""
    return [f"python -m {module} takes no option {option}" for option in _options_taken(source, args)]


__all__ = ["DOCUMENTS", "NOT_RUN", "Documented", "code_lines", "commands", "problems", "steps", "variants"]
