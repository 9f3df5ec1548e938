"""``govscraper crawl --url``: sites that are not in the registry, crawled by the generic path over real HTTP.

Two kinds of site: the Liferay replica (the generic spider must recognise its article pages without a registry
entry), and small portals in the other documented layouts (the "/upload/" CMS, SharePoint, Hà Tĩnh .NET, the 2021
Quảng Ngãi Liferay theme) served from the layout test pages in tests/fixtures/layouts (read by
tests/helpers/fixtures.py), each page at the path of its own ``url``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import sqlite_utils

from tests.helpers import fixtures
from tests.helpers.cli import run_cli
from tests.helpers.loopback import Answer, LoopbackServer, Request

#: One list page per portal family, and the article page of the same portal it links to.
FAMILIES = {
    "upload-cms": ("upload_quangngai_list_tin-dia-phuong", "upload_quangngai_article_xuc-tien-dau-tu"),
    "sharepoint": ("sp_dongnai_list_tin-tuc-su-kien", "sp_dongnai_article_thu-ngan-sach"),
    "hatinh-net": ("hatinh_list_kinh-te", "hatinh_article_giai-ngan-dau-tu-cong"),
    "qni-2021": ("qni2021_list_tin-noi-bat", "qni2021_article_nguoi-cao-tuoi"),
    "moit-upload": ("upload_moit_list_thi-truong-trong-nuoc", "upload_moit_article_ket-noi-cung-cau"),
}


def expected(name: str) -> dict:
    return fixtures.expected("layouts", name)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def mini_portal(names: list[str]) -> LoopbackServer:
    """Serves saved pages at their original paths on 127.0.0.1; every other path is a 404."""
    pages = {path_of(expected(n)["url"]): fixtures.page_bytes("layouts", n) for n in names}

    def route(request: Request) -> Answer:
        # The pages declare their own charset (one is windows-1258): say nothing here, as many portals do.
        body = pages.get(request.path)
        if body is None:
            return Answer(404, b"<html><body>Not found</body></html>", "text/html")
        return Answer(200, body, "text/html")

    return LoopbackServer(route)


@pytest.mark.parametrize("family", FAMILIES)
def test_generic_crawl_archives_the_article_and_records_the_rest(family, tmp_path):
    list_name, article_name = FAMILIES[family]
    portal = mini_portal([list_name, article_name])
    listing, article = expected(list_name), expected(article_name)
    db_path = tmp_path / "archive.db"
    try:
        result = run_cli(
            "crawl",
            "--url",
            portal.url + path_of(listing["url"]),
            "--db",
            str(db_path),
            "--loopback",
            "-s",
            "RETRY_TIMES=0",
        )
    finally:
        portal.close()
    assert result.returncode == 0, result.stderr[-3000:]
    db = sqlite_utils.Database(db_path)
    rows = list(db["articles"].rows)
    assert [row["url"] for row in rows] == [portal.url + path_of(article["url"])], "only the article is an article"
    row = rows[0]
    assert row["title"] == article["title"]
    assert row["published_at"] == article["published"]
    assert row["author"] == article["author"]
    assert row["body"] == article["body"]
    assert row["platform"] in ("generic", "liferay62")
    # Every other article the list links to answers 404 here: each is recorded, none is lost silently.
    failed = {f["url"] for f in db["fetch_failures"].rows if f["kind"] == "article"}
    for url in listing["items"]:
        if url != article["url"]:
            assert portal.url + path_of(url) in failed
    # Nothing off the host was requested: every failure and every article is on 127.0.0.1.
    assert all(f["url"].startswith(portal.url) for f in db["fetch_failures"].rows if f["kind"] != "image")


def test_generic_crawl_of_the_liferay_replica_finds_every_article(tmp_path, clean_replica, clean_site):
    db_path = tmp_path / "archive.db"
    result = run_cli("crawl", "--url", clean_replica.url, "--db", str(db_path), "--loopback")
    assert result.returncode == 0, result.stderr[-3000:]
    db = sqlite_utils.Database(db_path)
    manifest = clean_site.manifest()
    assert db["articles"].count == len(manifest["articles"])
    by_id = {row["source_id"]: row for row in db["articles"].rows}
    for article in manifest["articles"]:
        row = by_id[str(article["id"])]
        assert (row["title"], row["published_at"], row["author"]) == (
            article["title"],
            article["published"],
            article["author"],
        )
        assert row["body"] == "\n\n".join(article["body"])
    run = next(iter(db["crawl_runs"].rows))
    assert (run["portal_id"], run["spider"], run["failures"]) == ("url-127-0-0-1", "generic", 0)


def test_a_page_served_with_the_wrong_charset_is_read_from_its_bytes(tmp_path):
    """UTF-8 labelled ISO-8859-1 by the server: decoding by the label would turn "Đức" into "Ä\\ufffdá»©c" for good."""
    article = (
        "<html><head><meta charset='iso-8859-1'><title>Đức Phổ tổng kết năm 2023</title></head><body>"
        "<div class='title'>Đức Phổ tổng kết công tác năm 2023</div>"
        "<div class='date'>Ngày đăng: 28/12/2023 | 15:30</div>"
        "<div class='content'><p>Chiều 28/12, UBND thị xã Đức Phổ tổ chức hội nghị tổng kết công tác năm 2023, triển "
        "khai nhiệm vụ năm 2024 với sự tham dự của lãnh đạo các phòng, ban, đơn vị và các xã, phường.</p>"
        "<p>Năm 2023, tổng giá trị sản xuất trên địa bàn thị xã tăng 9,2% so với năm trước; thu ngân sách đạt 118% dự "
        "toán; 100% xã đạt chuẩn nông thôn mới.</p><p>Đồng chí Chủ tịch UBND thị xã yêu cầu các đơn vị tập trung "
        "hoàn thành các chỉ tiêu năm 2024./.</p></div></body></html>"
    ).encode()

    def route(request: Request) -> Answer:
        body = article if request.path == "/tin-tuc/duc-pho-tong-ket-2023.html" else b"<html><body>404</body></html>"
        return Answer(200 if body is article else 404, body, "text/html; charset=ISO-8859-1")

    with LoopbackServer(route) as server:
        url = server.url + "/tin-tuc/duc-pho-tong-ket-2023.html"
        result = run_cli("crawl", "--url", url, "--db", str(tmp_path / "a.db"), "--loopback")
    assert result.returncode == 0, result.stderr[-2000:]
    row = next(iter(sqlite_utils.Database(tmp_path / "a.db")["articles"].rows))
    assert row["title"] == "Đức Phổ tổng kết công tác năm 2023"
    assert row["published_at"] == "2023-12-28T15:30:00+07:00"
    assert row["body"].startswith("Chiều 28/12, UBND thị xã Đức Phổ tổ chức hội nghị")
