"""``govscraper probe URL``: each fixture portal's home page served on 127.0.0.1, probed by the real command.

Expected values come from the fixture pages: the platform each was built on, the news list its menu links, the
name in its ``<title>``, the level that name implies, the province its name, host or footer names.
"""

from __future__ import annotations

import json
import socket
from datetime import date

import pytest
import sqlite_utils

from govscraper.ops.probe import (
    ProbeResult,
    guess_level,
    guess_province,
    guess_start_urls,
    portal_id,
    probe_page,
    render_entry,
)
from govscraper.registry import parse_registry
from govscraper_replica import ReplicaServer, build_site
from tests.helpers.cli import run_cli
from tests.helpers.fixture_site import FixtureSite
from tests.helpers.fixtures import page_path, page_text

#: platform → (path probed, name, level, province, id, a start URL that must be proposed)
HOMES = {
    "liferay7": (
        "/", "Cổng thông tin điện tử huyện Trảng Bom", "huyện", "Đồng Nai", "dni-trangbom", "/tin-tuc-su-kien"
    ),
    "sharepoint": (
        "/", "Cổng thông tin điện tử tỉnh Đồng Nai", "tỉnh", "Đồng Nai", "dni-tinh", "/Pages/tintucsukien.aspx?gId=2"
    ),
    "uploadcms": (
        "/", "Cổng thông tin điện tử phường Trương Quang Trọng", "xã", "Quảng Ngãi", "qni-truongquangtrong",
        "/tin-tuc/tin-hoat-dong.html",
    ),
}  # fmt: skip


@pytest.fixture
def site(request):
    served = FixtureSite(request.param)
    yield served
    served.close()


@pytest.mark.parametrize("site", list(HOMES), indirect=True, ids=list(HOMES))
def test_probe_of_a_home_page_prints_an_entry_the_registry_accepts(site, tmp_path):
    platform = next(p for p in HOMES if site.routes["/"].parent.name == p)
    path, name, level, province, portal, start = HOMES[platform]
    result = run_cli("probe", site.url + path)
    assert result.returncode == 0, result.stderr
    entries = parse_registry(result.stdout, "probe output")
    assert list(entries) == [portal]
    entry = entries[portal]
    assert (entry.platform, entry.name, entry.level, entry.province) == (platform, name, level, province)
    assert entry.base_url == site.url + "/"
    assert start in entry.start_urls
    assert all(not u.startswith("http") or u.startswith(site.url) for u in entry.start_urls)
    assert entry.status == "live"
    assert entry.notes.startswith(f"probed {date.today().isoformat()}: fingerprints ")
    assert f"{platform}: " in entry.notes
    # Polite: robots.txt first (once), the home page once, then each page its menus link to at most once (to tell
    # the category lists), all with govscraper's User-Agent.
    asked = [p for p, _ in site.requests]
    assert asked[:2] == ["/robots.txt", path]
    assert len(asked) == len(set(asked))
    assert all(agent.startswith("govscraper/") for _, agent in site.requests)


def test_probe_of_the_replica_proposes_its_platform_and_every_category_and_the_entry_crawls_it_all(tmp_path):
    """The replica's home page has no article list of its own, yet says "liferay62: b=6201"; its menus lead to four
    categories, two of which ("Kinh tế - Xã hội", "Văn hóa - Xã hội") no news-like menu text names."""
    site = build_site(articles=36, seed=2022)
    with ReplicaServer(site, host="127.0.0.1", port=0) as server:
        probed = run_cli("probe", server.url)
        assert probed.returncode == 0, probed.stderr
        entry = next(iter(parse_registry(probed.stdout, "probe output").values()))
        assert entry.platform == "liferay62"
        assert sorted(entry.start_urls) == sorted(f"/{category.slug}" for category in site.categories)
        registry = tmp_path / "probed.toml"
        registry.write_text(probed.stdout, encoding="utf-8")
        db_path = tmp_path / "a.db"
        crawl = run_cli("crawl", entry.id, "--loopback", "--no-warc", "--db", str(db_path), registry=registry)
        assert crawl.returncode == 0, crawl.stderr[-2000:]
    assert sqlite_utils.Database(db_path)["articles"].count == 36


@pytest.mark.parametrize("site", ["liferay7"], indirect=True)
def test_probe_json(site):
    result = run_cli("probe", site.url + "/", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["platform"], data["id"], data["level"]) == ("liferay7", "dni-trangbom", "huyện")
    assert "liferay7: data-senna-track" in data["probe"]["fingerprints"]
    assert "liferay62: b=6201" not in data["probe"]["fingerprints"]


@pytest.mark.parametrize("site", ["uploadcms"], indirect=True)
def test_a_probed_entry_crawls_the_portal(site, tmp_path):
    probed = run_cli("probe", site.url + "/")
    assert probed.returncode == 0, probed.stderr
    registry = tmp_path / "probed.toml"
    registry.write_text(probed.stdout, encoding="utf-8")
    db_path = tmp_path / "a.db"
    crawl = run_cli("crawl", "qni-truongquangtrong", "--loopback", "--no-warc", "--db", str(db_path), registry=registry)
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    titles = {row["title"] for row in sqlite_utils.Database(db_path)["articles"].rows}
    assert titles == {
        "Phường Trương Quang Trọng ra quân vệ sinh môi trường hưởng ứng “Ngày Chủ nhật xanh”",
        "HĐND phường Trương Quang Trọng tổ chức kỳ họp thứ hai",
        "Trao quà cho gia đình chính sách nhân dịp kỷ niệm 78 năm Ngày Thương binh - Liệt sĩ",
    }


# ------------------------------------------------------------------------------------------------ errors
@pytest.mark.parametrize("site", ["liferay7"], indirect=True)
@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/tai-lieu.pdf", "not an HTML page: "),
        ("/loi-may-chu", "HTTP 500 from "),
        ("/khong-co-trang-nay", "HTTP 404 from "),
        ("/c/portal/login", "robots.txt of 127.0.0.1:"),
    ],
)
def test_probe_errors_are_one_line_and_exit_1(site, path, reason):
    result = run_cli("probe", site.url + path)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Error: {reason}"), result.stderr
    assert "Traceback" not in result.stderr


def test_probe_of_an_unreachable_host_and_of_a_non_http_url():
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    result = run_cli("probe", f"http://127.0.0.1:{port}/", "--timeout", "3")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Error: cannot reach 127.0.0.1:")
    assert len(result.stderr.strip().splitlines()) == 1
    result = run_cli("probe", "ftp://quangngai.gov.vn/")
    assert (result.returncode, result.stderr.strip()) == (1, "Error: not an http(s) URL: 'ftp://quangngai.gov.vn/'")


# ------------------------------------------------------------------------------------------------ pure parts
@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("Cổng thông tin điện tử tỉnh Quảng Ngãi", "tỉnh"),
        ("Cổng thông tin điện tử huyện Mộ Đức", "huyện"),
        ("Cổng thông tin điện tử thị xã Đức Phổ", "huyện"),
        ("Cổng thông tin điện tử thành phố Quảng Ngãi", "huyện"),
        ("Cổng thông tin điện tử thành phố Hà Nội", "tỉnh"),
        ("Trang thông tin điện tử xã Tịnh Khê", "xã"),
        ("Cổng thông tin điện tử phường Trương Quang Trọng", "xã"),
        ("Trang thông tin điện tử thị trấn Chợ Chùa", "xã"),
        ("UBND xã Nghĩa Kỳ, huyện Tư Nghĩa", "xã"),
        ("Sở Tài nguyên và Môi trường tỉnh Quảng Ngãi", "tỉnh"),
    ],
)
def test_level_from_the_name(name, level):
    assert guess_level(name) == level


def test_province_from_name_host_or_page():
    assert guess_province("Cổng thông tin điện tử tỉnh Quảng Ngãi", "http://127.0.0.1/") == "Quảng Ngãi"
    assert guess_province("Cổng thông tin điện tử huyện Mộ Đức", "https://moduc.quangngai.gov.vn/") == "Quảng Ngãi"
    assert guess_province("Cổng thông tin điện tử huyện Trảng Bom", "https://trangbom.dongnai.gov.vn/") == "Đồng Nai"
    page = page_text("liferay7", "lr7_home.html")  # its footer: "... huyện Trảng Bom, tỉnh Đồng Nai"
    assert guess_province("Cổng thông tin điện tử huyện Trảng Bom", "http://127.0.0.1:8000/", page) == "Đồng Nai"
    assert guess_province(None, "http://127.0.0.1:8000/") == "(chưa xác định)"


def test_portal_ids_follow_the_registry_convention():
    assert (
        portal_id("Cổng thông tin điện tử tỉnh Quảng Ngãi", "Quảng Ngãi", "https://quangngai.gov.vn/", "tỉnh")
        == "qni-tinh"
    )
    assert (
        portal_id("Cổng thông tin điện tử huyện Mộ Đức", "Quảng Ngãi", "https://moduc.quangngai.gov.vn/", "huyện")
        == "qni-moduc"
    )
    assert portal_id("Cổng thông tin điện tử Hà Nội", "Hà Nội", "https://hanoi.gov.vn/", "tỉnh") == "hni-tinh"
    assert portal_id("Cổng thông tin điện tử huyện Đăk Tô", "Kon Tum", "http://127.0.0.1/", "huyện") == "ktm-dakto"
    assert (
        portal_id("Cổng thông tin điện tử thành phố Hải Phòng", "Hải Phòng", "http://127.0.0.1/", "tỉnh")
        == "hpg-thanhpho"
    )
    assert portal_id("Cổng thông tin điện tử Thành phố Hồ Chí Minh", "Hồ Chí Minh", "http://127.0.0.1/", "tỉnh") == (
        "hcm-thanhpho"
    )
    assert portal_id("Cổng thông tin điện tử thành phố Huế", "Huế", "http://127.0.0.1/", "tỉnh") == "hue-thanhpho"


def test_start_urls_from_menus_skip_articles_files_pagers_and_other_hosts():
    page = """<html><body><ul class="menu">
      <li><a href="/tin-tuc">Tin tức</a></li><li><a href="/gioi-thieu">Giới thiệu</a></li>
      <li><a href="/hoat-dong">HOẠT ĐỘNG</a></li><li><a href="/su-kien">Tin tức - Sự kiện</a></li>
      <li><a href="https://other.gov.vn/tin-tuc">Tin tức</a></li><li><a href="/tai-lieu.pdf">Thông báo</a></li>
      <li><a href="/tin-tuc?page=2">Tin tức</a></li><li><a href="javascript:;">Tin mới</a></li>
    </ul></body></html>"""
    assert guess_start_urls(page, "https://x.gov.vn/", "generic") == ["/tin-tuc", "/hoat-dong", "/su-kien"]


def test_rendered_entry_escapes_and_parses():
    result = ProbeResult(
        url="https://x.gov.vn/", base_url="https://x.gov.vn/", platform="generic", name='Cổng "thử" \\ nghiệm',
        level="xã", province="Quảng Ngãi", start_urls=["/tin-tuc?a=1&b=2"], portal_id="qni-x", probed_on="2026-01-02",
    )  # fmt: skip
    entry = parse_registry(render_entry(result))["qni-x"]
    assert (entry.name, entry.start_urls, entry.notes) == (
        'Cổng "thử" \\ nghiệm', ("/tin-tuc?a=1&b=2",), "probed 2026-01-02: fingerprints none (generic)"
    )  # fmt: skip


def test_probe_page_on_a_liferay62_page_names_its_signs():

    from govscraper.text import decode_page

    path = page_path("liferay62", "liferay62_sotttt-hanoi_list_cong-nghe-thong-tin_p1.html")
    result = probe_page(decode_page(path.read_bytes()), "https://sotttt.hanoi.gov.vn/cong-nghe-thong-tin")
    assert result.platform == "liferay62"
    assert "liferay62: b=6201" in result.fingerprints
    assert not any(sign.startswith("liferay7:") for sign in result.fingerprints)
    assert result.province == "Hà Nội"


def test_probe_page_on_a_liferay62_home_page_without_a_list_proposes_liferay62():
    """The Hanoi DOST home page (saved in the fixtures) has no Asset Publisher list, so the page-level detector says
    generic; its theme's URLs carry ``b=6201`` (Liferay 6.2's build number), and the probe goes by that sign."""
    from govscraper.text import decode_page

    path = page_path("liferay62", "liferay62_sotttt-hanoi_home.html")
    result = probe_page(decode_page(path.read_bytes()), "https://sotttt.hanoi.gov.vn/")
    assert result.platform == "liferay62"
    assert "liferay62: b=6201" in result.fingerprints
