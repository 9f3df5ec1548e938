"""The commands the documentation shows, read out of its Markdown, and how to run them offline.

``tests/test_documented_commands.py`` runs every command of README.md and docs/ (fenced ``sh``/``bash``/``console``
blocks, and ``$ `` lines of plain blocks), so that none can crash unseen. A command is run as written, with only
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

ROOT = Path(__file__).resolve().parent.parent
#: The documents whose commands must run.
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]
SHELL_LANGUAGES = ("sh", "bash", "shell", "console")

#: Words that start a command worth running (after environment assignments).
RUNNABLE = ("govscraper", ".venv/bin/govscraper", "scrapy", ".venv/bin/python", "python", "sqlite3")
#: Steps that set a machine up: ``.ci/run`` performs them from a clean clone; the suite cannot rerun itself.
LEFT_TO_CI = ("python3 -m venv", ".venv/bin/pip install", "pip install", ".venv/bin/pytest", "bash .ci/run")


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


__all__ = ["DOCUMENTS", "Documented", "code_lines", "commands", "variants"]
