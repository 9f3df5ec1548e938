"""Where each setting comes from: one source of truth for every crawl, however it is started.

A setting used to have as many sources as there were ways in: ``-s`` and a few options reached a crawl, two
environment variables were read ad hoc, and ``GOVSCRAPER_WAYBACK_URL`` set in the environment was silently ignored
(the crawl went to the real Internet Archive). Here every source is a *layer* with a Scrapy settings priority, so
Scrapy's own machinery picks the winner, as Scrapy does for its project/command-line settings and as tools like
Datasette do for their config file, environment and ``--setting`` options. Lowest first:

1. defaults: ``govscraper/settings.py`` (Scrapy's own defaults for Scrapy names), priority 0 and 20; for a crawl
   of this machine only (127.0.0.1, a replica or a mirror), the relaxed ``loopback`` profile, priority 21;
2. the user's config file: ``$GOVSCRAPER_CONFIG``, else ``$XDG_CONFIG_HOME/govscraper/govscraper.toml``
   (``~/.config/...``), priority 22;
3. the archive's config file: ``govscraper.toml`` beside the archive (``data/govscraper.toml``), priority 23;
4. the environment: ``GOVSCRAPER_*`` settings only, priority 25;
5. the profiles a command applies (Wayback politeness, loopback, WARC import), priority 30;
6. the command line: ``-s NAME=VALUE`` and options that are settings (``--limit``, ``--contact``, ...), priority 40.

A config file is TOML whose top-level keys are setting names (``DOWNLOAD_DELAY = 2.0``). An unknown name, a value of
the wrong type or an invalid file is a :class:`ConfigError`: one line naming the file and key, the environment
variable, or ``-s``. Environment and ``-s`` values are text, read by the type of the setting's default.

``govscraper crawl``, ``import-warc`` and ``demo`` apply the layers in :func:`govscraper.crawl.process.scrapy_settings`;
``scrapy crawl`` and Scrapyd, which load ``govscraper.settings`` themselves, through :class:`SettingsAddon` (the
``ADDONS`` setting). Settings read outside Scrapy (``GOVSCRAPER_REGISTRY``, ``GOVSCRAPER_CONTACT`` for ``probe``,
the default of ``--db``) come from :func:`effective_value`. ``govscraper config`` shows the result.

No Scrapy import at module level: the command line reads settings before any crawl starts.
"""

from __future__ import annotations

import difflib
import functools
import json
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

# Priorities (Scrapy's: default 0, command 10, addon 15, project 20, spider 30, cmdline 40) ---------------------
DEFAULT = 0
PROJECT = 20
#: Profiles that only change govscraper's defaults, chosen by what is crawled (the loopback profile for a crawl of
#: this machine): any file, variable or option still decides.
DEFAULT_PROFILE = 21
USER_FILE = 22
ARCHIVE_FILE = 23
ENVIRONMENT = 25
PROFILE = 30
COMMAND_LINE = 40

FILE_NAME = "govscraper.toml"
#: The environment variable naming the user's config file (not a setting itself).
CONFIG_VARIABLE = "GOVSCRAPER_CONFIG"
ENV_PREFIX = "GOVSCRAPER_"
ADDON = "govscraper.config.SettingsAddon"

#: Names in govscraper/settings.py that no file, variable or ``-s`` sets, and why.
_FIXED = {
    "VERSION": "it is govscraper's version",
    "WAYBACK_SETTINGS": "it is a profile govscraper applies: set the names it holds with -s",
    "LOOPBACK_SETTINGS": "it is a profile govscraper applies: set the names it holds with -s",
}
#: Settings only some layers may set.
_NOT_IN_FILES_OR_ENVIRONMENT = {
    "GOVSCRAPER_SOURCE": "it chooses the spider: give crawl --source",
}
_NOT_IN_ARCHIVE_FILE = {
    "GOVSCRAPER_DB": "the archive's own file cannot choose the archive",
    "GOVSCRAPER_REGISTRY": "the registry is read before the archive is known",
}
_NOT_ON_COMMAND_LINE = {
    "GOVSCRAPER_DB": "give --db",
    "GOVSCRAPER_REGISTRY": "the registry is read before -s: set it in the environment or the user's config file",
}
_CHOICES = {
    "GOVSCRAPER_MODE": ("full", "incremental", "resume", "auto", "check"),
    "GOVSCRAPER_SOURCE": ("live", "wayback"),
}
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
_INTEGER = re.compile(r"^[+-]?\d+$")


class ConfigError(click.ClickException, ValueError):
    """A setting that cannot be used. One line: where it came from (a file, ``environment``, ``-s``), then why.

    A :class:`click.ClickException`, so that any command meeting it ends with ``Error: ...`` and exit status 1.
    """

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}" if where else reason)
        self.where = where
        self.reason = reason


@dataclass(frozen=True)
class Layer:
    """Settings from one source, at one priority."""

    priority: int
    source: str
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Layered:
    """A value given to :func:`.process.scrapy_settings` with its layer; a bare value there is the command
    line."""

    value: Any
    priority: int
    source: str


@dataclass(frozen=True)
class Resolved:
    """A setting's effective value and where it came from: ``default``, ``file <path>``, ``environment``,
    ``profile <name>`` or ``command line``."""

    name: str
    value: Any
    source: str
    priority: int


def profile(name: str, values: Mapping[str, Any], priority: int = PROFILE) -> dict[str, Layered]:
    """A profile a command applies (``WAYBACK_SETTINGS`` ...): above the files and the environment, below ``-s``;
    or, with ``priority=DEFAULT_PROFILE``, only over the defaults."""
    return {key: Layered(value, priority, f"profile {name}") for key, value in values.items()}


def command_defaults(values: Mapping[str, Any]) -> dict[str, Layered]:
    """A command's own defaults (its display): like settings.py's, so every file, variable or option beats them."""
    return {key: Layered(value, PROJECT, "default") for key, value in values.items()}


def plain(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Overrides with their layers dropped: the values alone."""
    return {key: value.value if isinstance(value, Layered) else value for key, value in overrides.items()}


# Known settings and their defaults ----------------------------------------------------------------------------


def project_defaults() -> dict[str, Any]:
    """Every setting in govscraper/settings.py (its uppercase names) with its default."""
    from govscraper import settings

    return {name: getattr(settings, name) for name in dir(settings) if name.isupper()}


@functools.cache
def scrapy_defaults() -> dict[str, Any]:
    from scrapy.settings import iter_default_settings

    return dict(iter_default_settings())


def default_of(name: str, where: str) -> Any:
    """The default of a govscraper or Scrapy setting; a :class:`ConfigError` for any other name (a typo)."""
    project = project_defaults()
    if name in project:
        default = project[name]
    elif name in scrapy_defaults():
        default = scrapy_defaults()[name]
    else:
        close = difflib.get_close_matches(name.upper(), [*project, *scrapy_defaults()], n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ConfigError(where, f"unknown setting {name!r}{hint}")
    if name in _FIXED:
        raise ConfigError(where, f"{name} cannot be set: {_FIXED[name]}")
    return default


# Values ---------------------------------------------------------------------------------------------------------


def _kind(default: Any) -> str:
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, int | float):
        return "a number"
    if isinstance(default, str):
        return "a string"
    if isinstance(default, list | tuple):
        return "a list"
    if isinstance(default, dict):
        return "a table"
    return "any"


def from_text(name: str, text: str, where: str) -> Any:
    """A value given as text (environment, ``-s``), read by the type of the setting's default: true/false (1/0,
    yes/no, on/off), a number, a string, a JSON list (or comma-separated words, as Scrapy reads them), a JSON
    object."""
    default = default_of(name, where)
    kind = _kind(default)
    word = text.strip()
    value: Any
    if kind == "true or false":
        if word.lower() not in (*_TRUE, *_FALSE):
            raise ConfigError(where, f"{name} must be true or false (1/0, yes/no, on/off); got {text!r}")
        value = word.lower() in _TRUE
    elif kind == "a number":
        try:
            value = int(word) if _INTEGER.match(word) and not isinstance(default, float) else float(word)
        except ValueError:
            raise ConfigError(where, f"{name} must be a number; got {text!r}") from None
    elif kind == "a list":
        if word.startswith("["):
            value = _json(name, word, list, kind, where)
        else:
            value = [part.strip() for part in word.split(",") if part.strip()]
    elif kind == "a table":
        value = _json(name, word, dict, "a JSON object", where)
    else:
        value = text
    return check(name, value, where)


def _json(name: str, text: str, wanted: type, kind: str, where: str) -> Any:
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, wanted):
        raise ConfigError(where, f"{name} must be {kind} (as JSON); got {text!r}")
    return value


def from_toml(name: str, value: Any, where: str) -> Any:
    """A value read from a config file: TOML's own types, which must fit the type of the setting's default (an int
    for a float setting is fine)."""
    kind = _kind(default_of(name, where))
    fits = {
        "true or false": isinstance(value, bool),
        "a number": isinstance(value, int | float) and not isinstance(value, bool),
        "a string": isinstance(value, str),
        "a list": isinstance(value, list),
        "a table": isinstance(value, dict),
        "any": True,
    }[kind]
    if not fits:
        raise ConfigError(where, f"{name} must be {kind}; got {value!r}")
    return check(name, value, where)


def check(name: str, value: Any, where: str) -> Any:
    """Settings with a form beyond their type: the Wayback Machine's URL, the crawl mode, the capture range."""
    if name == "GOVSCRAPER_WAYBACK_URL":
        parts = urlsplit(str(value))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(where, f"{name} must be an http(s) URL; got {value!r}")
    elif name in _CHOICES and value not in _CHOICES[name]:
        raise ConfigError(where, f"{name} must be one of {', '.join(_CHOICES[name])}; got {value!r}")
    elif name in ("GOVSCRAPER_WAYBACK_FROM", "GOVSCRAPER_WAYBACK_TO") and value:
        from govscraper.sources.cdx import WaybackError, check_timestamp

        try:
            return check_timestamp(str(value))
        except WaybackError as exc:
            raise ConfigError(where, f"{name}: {exc}") from None
    return value


def parse_assignment(text: str) -> tuple[str, Any]:
    """One ``-s NAME=VALUE``: the name, checked, and the value read by the type of its default."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise ConfigError("-s", f"{text!r} is not NAME=VALUE")
    default_of(name, "-s")
    if name in _NOT_ON_COMMAND_LINE:
        raise ConfigError("-s", f"{name} cannot be set with -s: {_NOT_ON_COMMAND_LINE[name]}")
    return name, from_text(name, value, "-s")


# Layers ---------------------------------------------------------------------------------------------------------


def user_config_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$GOVSCRAPER_CONFIG``, else ``$XDG_CONFIG_HOME/govscraper/govscraper.toml`` (``~/.config`` when unset)."""
    environ = os.environ if environ is None else environ
    if environ.get(CONFIG_VARIABLE):
        return Path(environ[CONFIG_VARIABLE]).expanduser()
    base = environ.get("XDG_CONFIG_HOME", "")
    home = Path(environ["HOME"]) if environ.get("HOME") else Path.home()
    root = Path(base) if base and Path(base).is_absolute() else home / ".config"  # XDG: a relative path is ignored
    return root / "govscraper" / FILE_NAME


def archive_config_path(db: str | Path) -> Path:
    """The archive's own config file: ``govscraper.toml`` in the archive's folder."""
    return Path(db).parent / FILE_NAME


def read_file(path: Path, *, archive: bool = False, required: bool = False) -> dict[str, Any] | None:
    """A config file's settings, checked and typed; ``None`` when there is no such file (and none was asked for)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):  # no such file, or its folder is not one: no layer
        if required:
            raise ConfigError(str(path), f"no such file (named by {CONFIG_VARIABLE})") from None
        return None
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read it: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"not valid TOML: {exc}") from None
    values = {}
    for name, value in data.items():
        default_of(name, str(path))
        if name in _NOT_IN_FILES_OR_ENVIRONMENT:
            raise ConfigError(str(path), f"{name} cannot be set in a file: {_NOT_IN_FILES_OR_ENVIRONMENT[name]}")
        if archive and name in _NOT_IN_ARCHIVE_FILE:
            raise ConfigError(str(path), f"{name} cannot be set here: {_NOT_IN_ARCHIVE_FILE[name]}")
        values[name] = from_toml(name, value, str(path))
    return values


def environment_values(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The ``GOVSCRAPER_*`` settings set in the environment, read by type (bare Scrapy names are not read there)."""
    environ = os.environ if environ is None else environ
    project = project_defaults()
    values = {}
    for name in sorted(environ):
        if name.startswith(ENV_PREFIX) and name in project and name not in _FIXED:
            if name in _NOT_IN_FILES_OR_ENVIRONMENT:
                raise ConfigError("environment", f"{name} cannot be set there: {_NOT_IN_FILES_OR_ENVIRONMENT[name]}")
            values[name] = from_text(name, environ[name], "environment")
    return values


def unknown_environment(environ: Mapping[str, str] | None = None) -> list[str]:
    """``GOVSCRAPER_*`` variables that are not settings (typos, most likely): not read."""
    environ = os.environ if environ is None else environ
    project = project_defaults()
    return sorted(n for n in environ if n.startswith(ENV_PREFIX) and n not in project and n != CONFIG_VARIABLE)


def outer_layers(environ: Mapping[str, str] | None = None) -> list[Layer]:
    """The layers that do not depend on the archive: the user's config file and the environment."""
    environ = os.environ if environ is None else environ
    layers = []
    path = user_config_path(environ)
    found = read_file(path, required=bool(environ.get(CONFIG_VARIABLE)))
    if found:
        layers.append(Layer(USER_FILE, f"file {path}", found))
    variables = environment_values(environ)
    if variables:
        layers.append(Layer(ENVIRONMENT, "environment", variables))
    return layers


def archive_layer(db: str | Path) -> Layer | None:
    path = archive_config_path(db)
    found = read_file(path, archive=True)
    return Layer(ARCHIVE_FILE, f"file {path}", found) if found else None


def collect(command_line: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> list[Layer]:
    """Every layer above the defaults, lowest first; the archive's file is found beside the effective
    ``GOVSCRAPER_DB`` (``command_line`` may name it: ``--db``)."""
    layers = outer_layers(environ)
    if command_line:
        layers.append(Layer(COMMAND_LINE, "command line", dict(command_line)))
    db = resolve(layers, ["GOVSCRAPER_DB"])["GOVSCRAPER_DB"].value
    archive = archive_layer(db)
    return sorted([*layers, *([archive] if archive else [])], key=lambda layer: layer.priority)


def resolve(layers: Iterable[Layer], names: Iterable[str] | None = None) -> dict[str, Resolved]:
    """Each setting's effective value and source, as Scrapy resolves priorities: the highest wins, the later of two
    equal ones. ``names``: only these (default: govscraper's settings and every name a layer sets)."""
    ordered = sorted(layers, key=lambda layer: layer.priority)
    project = project_defaults()
    found = {name: Resolved(name, value, "default", PROJECT) for name, value in project.items()}
    for layer in ordered:
        for name, value in layer.values.items():
            found[name] = Resolved(name, value, layer.source, layer.priority)
    contact, agent = found["GOVSCRAPER_CONTACT"], found["USER_AGENT"]
    if contact.priority > agent.priority:  # the contact was set above USER_AGENT: it goes into the User-Agent
        from govscraper.settings import user_agent

        found["USER_AGENT"] = Resolved("USER_AGENT", user_agent(contact.value or ""), contact.source, contact.priority)
    if names is not None:
        return {name: found.get(name) or Resolved(name, default_of(name, ""), "default", DEFAULT) for name in names}
    return dict(sorted(found.items()))


def effective(command_line: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict:
    """Every setting's :class:`Resolved` value: the defaults, the config files, the environment, ``command_line``."""
    return resolve(collect(command_line, environ))


def effective_value(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """A setting read before any archive is known (``GOVSCRAPER_REGISTRY``, ``GOVSCRAPER_DB``, the contact outside a
    crawl): the user's config file and the environment over the default."""
    return resolve(outer_layers(environ), [name])[name].value


def default_db(environ: Mapping[str, str] | None = None) -> Path:
    """The archive when ``--db`` is not given: ``GOVSCRAPER_DB`` from the environment or the user's config file."""
    return Path(effective_value("GOVSCRAPER_DB", environ))


# Scrapy ---------------------------------------------------------------------------------------------------------


def configure(settings: Any, extra: Iterable[Layer] = (), environ: Mapping[str, str] | None = None) -> None:
    """Apply the config files and the environment (and ``extra`` layers: profiles, the command line) to Scrapy
    settings at their priorities. Applying it again gives the same settings."""
    for layer in [*extra, *outer_layers(environ)]:
        _apply(settings, layer)
    archive = archive_layer(settings.get("GOVSCRAPER_DB") or project_defaults()["GOVSCRAPER_DB"])
    if archive:
        _apply(settings, archive)
    contact_priority = settings.getpriority("GOVSCRAPER_CONTACT") or DEFAULT
    if contact_priority > (settings.getpriority("USER_AGENT") or DEFAULT):
        from govscraper.settings import user_agent

        agent = user_agent(settings.get("GOVSCRAPER_CONTACT") or "")
        settings.set("USER_AGENT", agent, priority=contact_priority)
    check("GOVSCRAPER_WAYBACK_URL", settings.get("GOVSCRAPER_WAYBACK_URL"), "setting")  # -s of scrapy crawl, too
    _without_unused_extensions(settings)


#: Scrapy extensions that govscraper turns off (``TELNETCONSOLE_ENABLED``, ``REMOTE_CONTROL_ENABLED``) and also takes
#: out of ``EXTENSIONS_BASE``: Scrapy imports every class its extension settings name, even one set to ``None``, and
#: the remote control's module loads aiohttp, 0.09 s of CPU in every crawl for an extension that then declines to run.
#: Done here rather than in govscraper/settings.py, which imports no Scrapy (commands that only read settings stay
#: light), and applied on both ways a crawl starts (``govscraper crawl`` and the add-on, for ``scrapy crawl``).
UNUSED_EXTENSIONS = ("scrapy.extensions.telnet.TelnetConsole", "scrapy.extensions.remote_control.RemoteControl")


def _without_unused_extensions(settings: Any) -> None:
    base = settings.getdict("EXTENSIONS_BASE")
    if any(path in base for path in UNUSED_EXTENSIONS):
        kept = {path: order for path, order in base.items() if path not in UNUSED_EXTENSIONS}
        settings.set("EXTENSIONS_BASE", kept, priority=settings.getpriority("EXTENSIONS_BASE") or DEFAULT)


def _apply(settings: Any, layer: Layer) -> None:
    for name, value in layer.values.items():
        settings.set(name, value, priority=layer.priority)


def without_addon(settings: Any) -> None:
    """Turn :class:`SettingsAddon` off in settings :func:`configure` has already layered (it would do it again)."""
    addons = dict(settings.getdict("ADDONS"))
    addons[ADDON] = None
    settings.set("ADDONS", addons, priority=settings.getpriority("ADDONS") or PROJECT)


class SettingsAddon:
    """Scrapy add-on (``ADDONS`` in govscraper/settings.py): the config files and ``GOVSCRAPER_*`` variables for
    crawls Scrapy starts itself, ``scrapy crawl portal -a portal=ID`` and Scrapyd; their ``-s`` stays on top."""

    @classmethod
    def update_pre_crawler_settings(cls, settings: Any) -> None:
        configure(settings)  # before Scrapy sets up logging, so that LOG_LEVEL in a file counts

    def update_settings(self, settings: Any) -> None:
        configure(settings)
