"""MkDocs hooks: the archive's schema reference, generated from the migrations each time the site is built.

A hand-written list of tables and columns drifts the day a migration adds a column. So the page
``reference/schema.md`` is never a file in the repository: :func:`on_files` makes it at build time by creating a
fresh archive with govscraper's own code (``open_db`` and ``close_db``, in a temporary folder that is removed
afterwards) and reading back what SQLite holds: every table, its columns with their declared types, primary and
foreign keys, and its indexes. Which migration built what comes from replaying ``govscraper.archive.schema.MIGRATIONS``
one at a time on a database in memory and comparing the schema after each; the replay must end where ``open_db`` ends,
or the build warns (and ``mkdocs build --strict`` fails). Column descriptions are the ones ``govscraper serve`` gives
Datasette (``govscraper.publish.serve.TABLES``), so the documentation and the researchers' browser say the same thing.

:func:`on_page_markdown` keeps the hand-written overview in ``archive.md`` honest: every column of every table
must be named in that table's row there, so a new column that nobody described fails the build.

Nothing is written into the repository: the page exists only in memory and in ``site/``.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.schema")

SCHEMA_PAGE = "reference/schema.md"
#: The page whose overview table must name every column (see on_page_markdown).
OVERVIEW_PAGE = "archive.md"
#: Tables ``govscraper serve`` does not describe (it hides them), described here.
OTHER_TABLES = {
    "_migrations": "The migrations applied to this archive, one row each, written in the same transaction as the "
    "migration itself.",
    "http_validators": "What to send in conditional requests: the ETag and Last-Modified a portal sent for a page, "
    "stored once the work the page stands for is archived.",
}


# ------------------------------------------------------------------------------------------------ reading a schema


def _schema(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Every table of the database: kind, columns, indexes, foreign keys (FTS5's own tables under their owner)."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
    ).fetchall()
    virtual = {name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")}
    tables: dict[str, dict[str, Any]] = {}
    for name, sql in rows:
        owner = next((v for v in virtual if name.startswith(f"{v}_") and name != v), None)
        if owner is not None:
            tables[owner].setdefault("shadow", []).append(name)
            continue
        columns = []
        for _cid, column, kind, notnull, default, pk, hidden in conn.execute(f"PRAGMA table_xinfo('{name}')"):
            if hidden == 1:  # a virtual table's hidden columns (FTS5's own "articles_fts" and "rank")
                continue
            columns.append(
                {
                    "name": column,
                    "type": kind or "",
                    "not_null": bool(notnull),
                    "default": default,
                    "pk": pk,
                    "generated": hidden in (2, 3),
                }
            )
        indexes = []
        for _seq, index, unique, origin, _partial in conn.execute(f"PRAGMA index_list('{name}')"):
            if origin == "pk":
                continue
            on = [row[2] for row in conn.execute(f"PRAGMA index_info('{index}')")]
            indexes.append({"name": index, "columns": on, "unique": bool(unique)})
        foreign = [
            {"column": row[3], "table": row[2], "to": row[4]}
            for row in conn.execute(f"PRAGMA foreign_key_list('{name}')")
        ]
        tables[name] = {
            "virtual": name in virtual,
            "sql": sql,
            "columns": columns,
            "indexes": sorted(indexes, key=lambda i: i["name"]),
            "foreign": foreign,
        }
    return tables


def _fresh_archive_schema() -> dict[str, dict[str, Any]]:
    """The schema of an archive as ``govscraper`` creates it (open_db, close_db), read back read-only."""
    from govscraper.archive.schema import close_db, open_db

    with tempfile.TemporaryDirectory(prefix="govscraper-docs-") as folder:
        path = Path(folder) / "archive.db"
        close_db(open_db(path))
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return _schema(conn)
        finally:
            conn.close()


def _replayed() -> tuple[list[tuple[str, str]], dict[str, dict[str, str]], dict[str, dict[str, Any]]]:
    """Replay the migrations one by one in memory: (name, first docstring line) of each; for every table, which
    migration created it and which added each column and index; and the final schema."""
    import sqlite_utils

    from govscraper.archive.schema import MIGRATIONS

    db = sqlite_utils.Database(memory=True)
    made_by: dict[str, dict[str, str]] = {}
    migrations = []
    before: dict[str, dict[str, Any]] = {}
    for name, step in MIGRATIONS:
        with db.atomic():
            db["_migrations"].create({"name": str, "applied_at": str}, pk="name", if_not_exists=True)
            step(db)
        after = _schema(db.conn)
        for table, shape in after.items():
            seen = made_by.setdefault(table, {})
            seen.setdefault("", name)  # the table itself
            old = before.get(table, {"columns": [], "indexes": []})
            old_columns = {c["name"] for c in old["columns"]}
            old_indexes = {i["name"] for i in old["indexes"]}
            for column in shape["columns"]:
                if column["name"] not in old_columns:
                    seen.setdefault(f"column:{column['name']}", name)
            for index in shape["indexes"]:
                if index["name"] not in old_indexes:
                    seen.setdefault(f"index:{index['name']}", name)
        before = after
        doc = (step.__doc__ or "").strip().splitlines()
        migrations.append((name, doc[0] if doc else ""))
    made_by["_migrations"][""] = MIGRATIONS[0][0]
    return migrations, made_by, before


def _comparable(schema: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        table: (
            [(c["name"], c["type"], c["pk"], c["not_null"], c["generated"]) for c in shape["columns"]],
            [(i["name"], tuple(i["columns"]), i["unique"]) for i in shape["indexes"]],
            sorted((f["column"], f["table"], f["to"]) for f in shape["foreign"]),
            sorted(shape.get("shadow", [])),
        )
        for table, shape in schema.items()
    }


# ------------------------------------------------------------------------------------------------ descriptions


def _descriptions() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Table and column descriptions: govscraper serve's (what Datasette shows), the search index's columns from
    its own constants, and article_versions' copied fields from the articles table."""
    from govscraper.archive.fulltext import FTS_TABLE, WEIGHTS
    from govscraper.publish.serve import TABLES
    from govscraper.search.query import FOLDED_COLUMNS, TEXT_COLUMNS

    tables = {name: table.get("description", "") for name, table in TABLES.items()}
    tables.update(OTHER_TABLES)
    columns = {name: dict(table.get("columns", {})) for name, table in TABLES.items()}
    articles = columns.get("articles", {})
    versions = columns.setdefault("article_versions", {})
    for column, text in articles.items():
        versions.setdefault(column, f"As in articles: {text[0].lower()}{text[1:]}")
    sources = {
        "captions": "The captions of its photos (article_images.caption)",
        "attachments": "Its documents' link text and extracted text (article_attachments.title, attachments.text)",
    }
    fts = columns.setdefault(FTS_TABLE, {})
    for exact, folded in zip(TEXT_COLUMNS, FOLDED_COLUMNS, strict=True):
        what = sources.get(exact, f"articles.{exact}")
        fts[exact] = f"{what}, as published with tone placement unified; bm25 weight {WEIGHTS[exact]:g}"
        fts[folded] = f"{exact} folded (lowercase, no diacritics, đ → d); bm25 weight {WEIGHTS[exact]:g}"
    tables.setdefault(
        FTS_TABLE,
        "The full-text index (FTS5, rowid = articles.id), written in the transaction that writes the article: "
        "each text as published and folded.",
    )
    return tables, columns


# ------------------------------------------------------------------------------------------------ the page


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def schema_markdown(real: dict[str, dict[str, Any]]) -> str:
    """The schema reference page (Markdown) for ``real``, the schema open_db creates."""
    migrations, made_by, replayed = _replayed()
    if _comparable(replayed) != _comparable(real):
        log.warning(
            "the migrations replayed one by one do not give the schema open_db creates: "
            "docs/hooks.py replays them as govscraper.archive.schema.migrate does; bring it in line"
        )
    table_text, column_text = _descriptions()
    out = [
        "# Archive schema",
        "",
        "Generated when the documentation is built (`docs/hooks.py`): a fresh archive is created with govscraper's "
        "own code in a temporary folder and its schema read back, so this page is always the schema of the code it "
        "was built from. Descriptions are the ones `govscraper serve` gives Datasette (`govscraper/publish/serve.py`, "
        "`TABLES`). The overview with the meaning of each table is in [The archive](../archive.md#tables).",
        "",
        "## Migrations",
        "",
        "Applied in this order, each in one transaction with its row in `_migrations` (`govscraper/archive/schema.py`, "
        "`MIGRATIONS`). A released migration is never edited: a change of schema is a new migration.",
        "",
        "| migration | why (its docstring) | what it changes |",
        "|---|---|---|",
    ]
    for name, doc in migrations:
        created = [t for t, built in made_by.items() if built.get("") == name]
        added = [
            f"{t}.{key.split(':', 1)[1]}"
            for t, built in made_by.items()
            for key, step in built.items()
            if step == name and key.startswith("column:") and built.get("") != name
        ]
        indexed = [
            key.split(":", 1)[1]
            for t, built in made_by.items()
            for key, step in built.items()
            if step == name and key.startswith("index:")
        ]
        changes = []
        if created:
            changes.append("creates " + ", ".join(f"`{t}`" for t in created))
        if added:
            changes.append("adds " + ", ".join(f"`{c}`" for c in added))
        if indexed:
            changes.append("indexes " + ", ".join(f"`{i}`" for i in indexed))
        out.append(f"| `{name}` | {_cell(doc)} | {'; '.join(changes)} |")
    out += ["", "## Tables", ""]
    order = [name for name in real if not name.startswith("_")] + [n for n in real if n.startswith("_")]
    for table in order:
        shape = real[table]
        built = made_by.get(table, {})
        steps = sorted(set(built.values()), key=[m for m, _ in migrations].index)
        out += [f"### `{table}`", ""]
        if table_text.get(table):
            out += [_cell(table_text[table]), ""]
        kind = "An FTS5 virtual table" if shape["virtual"] else "A table"
        out += [
            f"{kind}, created by `{built.get('', '?')}`; built by {', '.join(f'`{s}`' for s in steps)}.",
            "",
            "| column | type | description | added by |",
            "|---|---|---|---|",
        ]
        described = column_text.get(table, {})
        for column in shape["columns"]:
            kind_text = column["type"] or ("(FTS5 text)" if shape["virtual"] else "")
            notes = []
            if column["pk"]:
                notes.append("primary key")
            if column["not_null"] and not column["pk"]:
                notes.append("not null")
            if column["generated"]:
                notes.append("generated")
            if notes:
                kind_text += f" ({', '.join(notes)})"
            out.append(
                f"| `{column['name']}` | {kind_text} | {_cell(described.get(column['name'], ''))} | "
                f"`{built.get('column:' + column['name'], '?')}` |"
            )
        out.append("")
        if shape["foreign"]:
            links = ", ".join(f"`{f['column']}` → `{f['table']}.{f['to']}`" for f in shape["foreign"])
            out += [f"Foreign keys: {links}.", ""]
        if shape["indexes"]:
            out += ["| index | on | unique | added by |", "|---|---|---|---|"]
            for index in shape["indexes"]:
                on = ", ".join(f"`{c}`" for c in index["columns"])
                unique = "yes" if index["unique"] else "no"
                out.append(f"| `{index['name']}` | {on} | {unique} | `{built.get('index:' + index['name'], '?')}` |")
            out.append("")
        if shape.get("shadow"):
            out += [f"FTS5's own tables: {', '.join(f'`{s}`' for s in sorted(shape['shadow']))}.", ""]
        if shape["virtual"]:
            out += ["```sql", shape["sql"], "```", ""]
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------ MkDocs events


#: The schema of this build (on_files reads it once; on_page_markdown checks archive.md against it).
_built: dict[str, dict[str, Any]] = {}


def on_files(files: Files, config: Any) -> Files:
    _built.clear()
    _built.update(_fresh_archive_schema())
    files.append(File.generated(config, SCHEMA_PAGE, content=schema_markdown(_built)))
    return files


_ROW = re.compile(r"^\| `(?P<table>[a-z_]+)` \| (?P<text>.*) \|\s*$")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    if page.file.src_uri != OVERVIEW_PAGE:
        return markdown
    rows = {m["table"]: m["text"] for m in map(_ROW.match, markdown.splitlines()) if m}
    for table, shape in _built.items():
        if table.startswith("_"):
            continue
        if table not in rows:
            log.warning(f"{OVERVIEW_PAGE}: the table {table} has no row in the overview of tables")
            continue
        named = set(re.findall(r"`([a-z_0-9]+)`", rows[table]))
        missing = [c["name"] for c in shape["columns"] if c["name"] not in named]
        if missing:
            log.warning(f"{OVERVIEW_PAGE}: the row of {table} does not name its columns {', '.join(missing)}")
    return markdown
