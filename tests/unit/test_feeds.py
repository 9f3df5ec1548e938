"""Sitemaps and feeds read by ``govscraper.sources.feeds``: the formats as their specifications write them, and
the hostile or broken files a crawler meets (entity bombs, external entities, gzip bombs, HTML, malformed XML).

Every document is written here, after sitemaps.org 0.9, Google's news and image sitemap extensions, RSS 2.0
(RFC 822 dates), RSS 1.0 and Atom 1.0 (RFC 4287, RFC 3339 dates); expected values are read from them.
"""

from __future__ import annotations

import gzip
import zlib
from datetime import datetime

import pytest
from lxml import etree

from govscraper.sources import feeds
from govscraper.sources.feeds import (
    FeedError,
    NotAFeed,
    feed_links,
    parse_feed,
    parse_sitemap,
    parse_xml,
    rfc822_datetime,
    sitemaps_from_robots,
    unpack,
    w3c_datetime,
)
from govscraper.text.dates import VN_TZ
from govscraper_replica.syndication import BILLION_LAUGHS, external_entity, gzip_bomb

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=VN_TZ)

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <!-- a comment between entries -->
  <url>
    <loc>https://moduc.quangngai.gov.vn/tin-tuc/-/view_content/4418033-tong-ket.html</loc>
    <lastmod>2025-06-30T09:15:00+07:00</lastmod>
    <changefreq>monthly</changefreq>
    <priority>0.8</priority>
    <news:news>
      <news:publication><news:name>UBND huy\xe1\xbb\x87n M\xe1\xbb\x99 \xc4\x90\xe1\xbb\xa9c</news:name>
        <news:language>vi</news:language></news:publication>
      <news:publication_date>2025-06-30T01:15:00Z</news:publication_date>
      <news:title>T\xe1\xbb\x95ng k\xe1\xba\xbft c\xc3\xb4ng t\xc3\xa1c n\xc4\x83m 2024</news:title>
    </news:news>
    <image:image><image:loc>https://moduc.quangngai.gov.vn/image/a.jpg</image:loc></image:image>
    <image:image><image:loc>https://moduc.quangngai.gov.vn/image/b.jpg</image:loc></image:image>
  </url>
  <url>
    <loc>https://moduc.quangngai.gov.vn/tin-tuc?id=12&amp;page=2</loc>
    <lastmod>2024-05-01</lastmod>
  </url>
  <url><lastmod>2024-05-01</lastmod></url>
  <url><loc>  https://moduc.quangngai.gov.vn/gioi-thieu  </loc><lastmod>not a date</lastmod></url>
</urlset>
"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://example.gov.vn/sitemap-2025.xml.gz</loc><lastmod>2025-06-30T23:59:59Z</lastmod></sitemap>
  <sitemap><loc>https://example.gov.vn/sitemap-2024.xml</loc></sitemap>
</sitemapindex>
"""


# -- sitemaps ---------------------------------------------------------------------------------------------------
def test_a_urlset_gives_its_pages_with_dates_in_vietnam_time_and_the_news_and_image_extensions():
    sitemap = parse_sitemap(URLSET, now=NOW)
    assert sitemap.kind == "urlset"
    assert not sitemap.truncated
    assert sitemap.warning is None
    assert [e.loc for e in sitemap.entries] == [
        "https://moduc.quangngai.gov.vn/tin-tuc/-/view_content/4418033-tong-ket.html",
        "https://moduc.quangngai.gov.vn/tin-tuc?id=12&page=2",
        "https://moduc.quangngai.gov.vn/gioi-thieu",
    ]
    first, second, third = sitemap.entries
    assert first.lastmod == "2025-06-30T09:15:00+07:00"
    assert first.published == "2025-06-30T08:15:00+07:00"  # 01:15 UTC
    assert first.title == "Tổng kết công tác năm 2024"
    assert first.images == ["https://moduc.quangngai.gov.vn/image/a.jpg", "https://moduc.quangngai.gov.vn/image/b.jpg"]
    assert second.lastmod == "2024-05-01"  # a date alone stays a date: no invented time
    assert (second.title, second.published, second.images) == (None, None, [])
    assert third.lastmod is None


def test_a_sitemap_index_lists_its_sitemaps():
    sitemap = parse_sitemap(INDEX)
    assert sitemap.kind == "sitemapindex"
    assert [(e.loc, e.lastmod) for e in sitemap.entries] == [
        ("https://example.gov.vn/sitemap-2025.xml.gz", "2025-07-01T06:59:59+07:00"),
        ("https://example.gov.vn/sitemap-2024.xml", None),
    ]


def test_a_gzip_sitemap_is_read_like_a_plain_one():
    assert parse_sitemap(gzip.compress(URLSET)).entries == parse_sitemap(URLSET).entries


def test_a_sitemap_without_the_namespace_is_still_read():
    body = b"<urlset><url><loc>http://a.gov.vn/x</loc></url></urlset>"
    assert [e.loc for e in parse_sitemap(body).entries] == ["http://a.gov.vn/x"]


def test_entries_past_the_cap_are_left_out_and_the_result_says_so():
    body = b"<urlset>" + b"".join(b"<url><loc>http://a.gov.vn/%d</loc></url>" % n for n in range(30)) + b"</urlset>"
    sitemap = parse_sitemap(body, max_urls=25)
    assert len(sitemap.entries) == 25
    assert sitemap.truncated
    assert sitemap.entries[-1].loc == "http://a.gov.vn/24"
    assert not parse_sitemap(body, max_urls=30).truncated


def test_unescaped_ampersands_are_repaired_without_a_warning():
    body = b"<urlset><url><loc>http://a.gov.vn/tin?id=1&page=2&amp;x=3</loc></url></urlset>"
    sitemap = parse_sitemap(body)
    assert [e.loc for e in sitemap.entries] == ["http://a.gov.vn/tin?id=1&page=2&x=3"]
    assert sitemap.warning is None


def test_a_sitemap_cut_short_is_read_up_to_the_cut_with_a_warning():
    body = URLSET[: URLSET.index(b"<url><lastmod>")]
    sitemap = parse_sitemap(body)
    assert [e.loc for e in sitemap.entries][:2] == [
        "https://moduc.quangngai.gov.vn/tin-tuc/-/view_content/4418033-tong-ket.html",
        "https://moduc.quangngai.gov.vn/tin-tuc?id=12&page=2",
    ]
    assert sitemap.warning.startswith("malformed XML, read in recovery mode: ")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'<?xml version="1.0"?>\n<<urlset>>', "malformed XML: StartTag: invalid element name, line 2, column 2"),
        (b"", "empty document"),
        (b"   \n", "empty document"),
        (b"\x00\x01\x02 garbage", "malformed XML: "),
    ],
)
def test_what_is_not_xml_is_refused_with_its_reason(body, reason):
    with pytest.raises(FeedError) as caught:
        parse_sitemap(body)
    assert str(caught.value).startswith(reason)
    assert "\n" not in str(caught.value)


def test_an_html_page_is_not_a_sitemap():
    page = "<!DOCTYPE html><html><head><title>Không tìm thấy</title></head><body><p>404 &nbsp;</p>".encode()
    with pytest.raises(NotAFeed, match=r"^not a sitemap: root element <html>$"):
        parse_sitemap(page)
    with pytest.raises(NotAFeed, match=r"^not a sitemap: root element <rss>$"):
        parse_sitemap(b"<rss version='2.0'><channel/></rss>")


# -- safety -----------------------------------------------------------------------------------------------------
def test_a_billion_laughs_is_refused_at_once_without_expanding_anything(monkeypatch):
    parsed: list[bytes] = []
    fromstring = etree.fromstring

    def spy(text, *args, **kwargs):
        parsed.append(text)
        return fromstring(text, *args, **kwargs)

    monkeypatch.setattr(etree, "fromstring", spy)
    with pytest.raises(FeedError, match=r"^entity declarations are refused$"):
        parse_sitemap(BILLION_LAUGHS)
    assert parsed == []  # refused from the prolog's bytes: no parser ever saw the entities, none was expanded
    parse_sitemap(URLSET)
    assert parsed == [URLSET]  # the spy does see what is parsed


def test_an_entity_bomb_in_utf16_is_refused_too():
    with pytest.raises(FeedError, match=r"^entity declarations are refused$"):
        parse_sitemap(BILLION_LAUGHS.decode().replace("UTF-8", "UTF-16").encode("utf-16"))


def test_an_external_entity_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("mat-khau-bi-mat-4711", encoding="utf-8")
    body = external_entity(str(secret))
    assert b"mat-khau" not in body
    with pytest.raises(FeedError) as caught:
        parse_sitemap(body)
    assert str(caught.value) == "entity declarations are refused"
    assert "mat-khau" not in str(caught.value)
    # Even past the refusal, the parser feeds.py uses never loads it: the reference stays unresolved.
    for recover in (False, True):
        root = etree.fromstring(body, feeds._parser(recover=recover))
        assert "mat-khau" not in etree.tostring(root, encoding="unicode")
        assert root.findtext(".//{*}loc") in (None, "http://127.0.0.1/")


def test_an_external_dtd_is_not_loaded():
    body = b'<?xml version="1.0"?>\n<!DOCTYPE urlset SYSTEM "http://127.0.0.1:9/evil.dtd">\n<urlset><url><loc>http://a.gov.vn/x</loc></url></urlset>'
    assert [e.loc for e in parse_sitemap(body).entries] == ["http://a.gov.vn/x"]


def test_a_gzip_bomb_is_refused_at_the_limit_without_inflating_it_all():
    bomb = gzip_bomb()
    assert len(bomb) < 200_000
    with pytest.raises(FeedError, match=r"^larger than 50 MB once decompressed$"):
        parse_sitemap(bomb)
    small = gzip.compress(b"<urlset>" + b" " * 3000 + b"</urlset>")
    with pytest.raises(FeedError, match=r"^larger than 0.00190735 MB once decompressed$"):
        unpack(small, max_size=2000)


def test_a_body_over_the_limit_is_refused_before_parsing():
    with pytest.raises(FeedError, match=r"^larger than 0.000953674 MB$"):
        parse_sitemap(URLSET, max_size=1000)


def test_broken_gzip_is_refused_with_its_reason():
    data = gzip.compress(URLSET)
    with pytest.raises(FeedError, match=r"^not valid gzip: "):
        unpack(data[:10] + b"\xff" * 40 + data[50:])
    with pytest.raises(FeedError, match=r"^not valid gzip: the compressed data is cut short$"):
        unpack(data[: len(data) // 2])


def test_a_large_gzip_cut_short_or_with_a_wrong_checksum_is_refused_too():
    """Past the first 64 KiB of output as well (where Scrapy's gunzip would return what it had inflated)."""
    rows = b"".join(
        b"<url><loc>http://h.gov.vn/tin/%s.html</loc></url>\n" % b"%x" % (i * 2654435761) for i in range(6000)
    )
    data = gzip.compress(b"<urlset>" + rows + b"</urlset>")
    cut = data[: len(data) * 9 // 10]
    assert len(zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(cut)) > 65_536
    with pytest.raises(FeedError, match=r"^not valid gzip: the compressed data is cut short$"):
        unpack(cut)
    with pytest.raises(FeedError, match=r"^not valid gzip: .*incorrect data check"):
        unpack(data[:-8] + bytes(4) + data[-4:])


def test_parse_xml_keeps_no_comments_or_processing_instructions():
    root, warning = parse_xml(b"<?xml version='1.0'?><a><!-- c --><?pi x?><b>t</b></a>")
    assert [child.tag for child in root] == ["b"]
    assert warning is None


# -- robots.txt and feed links ----------------------------------------------------------------------------------
def test_sitemap_lines_of_robots_txt():
    robots = (
        "User-agent: *\nDisallow: /c/\n"
        "Sitemap: https://moduc.quangngai.gov.vn/sitemap.xml\n"
        "  sitemap:/sitemap-news.xml   # relative, lower case, with a comment\n"
        "SITEMAP: https://moduc.quangngai.gov.vn/sitemap.xml\n"
        "Sitemap:\nSitemap: ftp://x/y.xml\n# Sitemap: https://commented.out/\n"
    )
    assert sitemaps_from_robots(robots, "https://moduc.quangngai.gov.vn/robots.txt") == [
        "https://moduc.quangngai.gov.vn/sitemap.xml",
        "https://moduc.quangngai.gov.vn/sitemap-news.xml",
    ]
    assert sitemaps_from_robots("User-agent: *\nDisallow:\n") == []


def test_feed_links_announced_in_a_page_head():
    page = """<html><head>
      <link rel="stylesheet" href="/a.css">
      <link rel="alternate" type="application/rss+xml" title="Tin mới" href="/rss/tin-moi.rss">
      <link rel="Alternate" type="application/atom+xml; charset=utf-8" href="https://other.gov.vn/atom.xml">
      <link rel="alternate" hreflang="en" href="/en/">
      <link rel="alternate" type="application/rss+xml" href="/rss/tin-moi.rss">
      <link rel="alternate nofollow" type="application/rss+xml" href="rss/chi-dao.rss">
    </head><body><a href="/rss/khac.rss">RSS</a></body></html>"""
    assert feed_links(page, "https://moduc.quangngai.gov.vn/tin-tuc/") == [
        "https://moduc.quangngai.gov.vn/rss/tin-moi.rss",
        "https://other.gov.vn/atom.xml",
        "https://moduc.quangngai.gov.vn/tin-tuc/rss/chi-dao.rss",
    ]
    assert feed_links("<html><head></head><body></body></html>", "https://a.gov.vn/") == []


# -- feeds ------------------------------------------------------------------------------------------------------
RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Cổng thông tin điện tử huyện Mộ Đức</title>
  <link>https://moduc.quangngai.gov.vn/</link>
  <description>Tin mới</description>
  <item>
    <title>Hội nghị tổng kết năm 2024</title>
    <link>https://moduc.quangngai.gov.vn/tin-tuc/-/view_content/4418033-hoi-nghi.html</link>
    <description>&lt;p&gt;Sáng ngày 30/6, &lt;b&gt;UBND huyện&lt;/b&gt; tổ chức&amp;nbsp;hội nghị.&lt;/p&gt;
    </description>
    <pubDate>Mon, 30 Jun 2025 09:15:00 +0700</pubDate>
  </item>
  <item>
    <title>Tin có guid</title>
    <guid>https://moduc.quangngai.gov.vn/tin-tuc/-/view_content/4418034-guid.html</guid>
    <pubDate>Sun, 29 Jun 2025 02:00:00 GMT</pubDate>
  </item>
  <item>
    <title>Tin có đường dẫn tương đối</title>
    <link>/tin-tuc/-/view_content/4418035-tuong-doi.html</link>
    <description><![CDATA[<p>Trong CDATA</p>]]></description>
    <pubDate>Sat, 28 Jun 2025 08:00:00 ICT</pubDate>
  </item>
  <item><title>Ngày kiểu Việt</title><link>/a/4418036.html</link><pubDate>27/06/2025 14:30</pubDate></item>
  <item><title>Ngày sau thời điểm thu thập</title><link>/a/4418037.html</link>
    <pubDate>Tue, 01 Dec 2026 08:00:00 +0700</pubDate></item>
  <item><title>Không liên kết</title><guid isPermaLink="false">tag:4418038</guid></item>
  <item><title>dc:date</title><link>/a/4418039.html</link><dc:date>2025-06-26T10:00:00+07:00</dc:date></item>
</channel>
</rss>
""".encode()


def test_rss_2_items_with_links_titles_rfc822_dates_and_text_summaries():
    feed = parse_feed(RSS, "https://moduc.quangngai.gov.vn/rss/tin-moi.rss", now=NOW)
    assert feed.kind == "rss"
    assert feed.warning is None
    by_title = {e.title: e for e in feed.entries}
    assert list(by_title) == [
        "Hội nghị tổng kết năm 2024",
        "Tin có guid",
        "Tin có đường dẫn tương đối",
        "Ngày kiểu Việt",
        "Ngày sau thời điểm thu thập",
        "dc:date",
    ]
    first = by_title["Hội nghị tổng kết năm 2024"]
    assert first.link == "https://moduc.quangngai.gov.vn/tin-tuc/-/view_content/4418033-hoi-nghi.html"
    assert first.published == "2025-06-30T09:15:00+07:00"
    assert first.summary == "Sáng ngày 30/6, UBND huyện tổ chức hội nghị."
    assert by_title["Tin có guid"].link.endswith("/4418034-guid.html")
    assert by_title["Tin có guid"].published == "2025-06-29T09:00:00+07:00"  # 02:00 GMT
    relative = by_title["Tin có đường dẫn tương đối"]
    assert relative.link == "https://moduc.quangngai.gov.vn/tin-tuc/-/view_content/4418035-tuong-doi.html"
    assert relative.published == "2025-06-28T08:00:00+07:00"  # "ICT": Vietnam time
    assert relative.summary == "Trong CDATA"
    assert by_title["Ngày kiểu Việt"].published == "2025-06-27T14:30:00+07:00"
    assert by_title["Ngày sau thời điểm thu thập"].published is None
    assert by_title["dc:date"].published == "2025-06-26T10:00:00+07:00"  # no pubDate: Dublin Core's date
    assert by_title["dc:date"].link == "https://moduc.quangngai.gov.vn/a/4418039.html"


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://kontum.gov.vn/">
  <title>Tin tức</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2025-06-30T10:00:00+07:00</updated>
  <entry>
    <title type="html">Kỳ họp thứ 8 &lt;em&gt;HĐND&lt;/em&gt;</title>
    <link rel="edit" href="/api/1"/>
    <link rel="alternate" type="application/pdf" href="/files/1.pdf"/>
    <link rel="alternate" type="text/html" href="tin-tuc/ky-hop-thu-8-1001.html"/>
    <id>tag:kontum.gov.vn,2025:1001</id>
    <published>2025-06-30T01:00:00Z</published>
    <updated>2025-06-30T03:30:00.5Z</updated>
    <summary>Kỳ họp   thứ 8</summary>
  </entry>
  <entry>
    <title>Không có rel</title>
    <link href="https://kontum.gov.vn/tin-tuc/khong-rel-1002.html"/>
    <id>tag:1002</id><updated>2025-06-29</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Nội dung <b>XHTML</b></p></div></content>
  </entry>
  <entry><title>Không liên kết</title><id>tag:1003</id><updated>2025-06-28T00:00:00Z</updated></entry>
</feed>
""".encode()


def test_atom_entries_with_alternate_links_xml_base_and_rfc3339_dates():
    feed = parse_feed(ATOM, "https://kontum.gov.vn/feeds/atom.xml", now=NOW)
    assert feed.kind == "atom"
    assert [(e.link, e.title) for e in feed.entries] == [
        ("https://kontum.gov.vn/tin-tuc/ky-hop-thu-8-1001.html", "Kỳ họp thứ 8 HĐND"),
        ("https://kontum.gov.vn/tin-tuc/khong-rel-1002.html", "Không có rel"),
    ]
    first, second = feed.entries
    assert (first.published, first.updated) == ("2025-06-30T08:00:00+07:00", "2025-06-30T10:30:00+07:00")
    assert first.summary == "Kỳ họp thứ 8"
    assert (second.published, second.updated) == (None, "2025-06-29")
    assert second.summary == "Nội dung XHTML"


def test_rss_1_rdf_items():
    rdf = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://a.gov.vn/rss"><title>A</title></channel>
  <item rdf:about="https://a.gov.vn/tin/1">
    <title>Mot</title><link>https://a.gov.vn/tin/1</link><dc:date>2025-01-02T03:04:05+07:00</dc:date>
  </item>
</rdf:RDF>"""
    feed = parse_feed(rdf, "https://a.gov.vn/rss")
    assert feed.kind == "rdf"
    assert [(e.link, e.title, e.published) for e in feed.entries] == [
        ("https://a.gov.vn/tin/1", "Mot", "2025-01-02T03:04:05+07:00")
    ]


def test_a_feed_that_is_an_html_page_is_refused():
    page = "<!DOCTYPE html><html><head><title>Tin</title></head><body><p>Đăng nhập</p></body></html>".encode()
    with pytest.raises(NotAFeed, match=r"^not a feed: root element <html>$"):
        parse_feed(page, "https://a.gov.vn/rss")
    with pytest.raises(NotAFeed, match=r"^not a feed: root element <urlset>$"):
        parse_feed(URLSET, "https://a.gov.vn/rss")


def test_feed_entries_past_the_cap_are_left_out():
    feed = parse_feed(RSS, "https://moduc.quangngai.gov.vn/rss", max_items=2)
    assert len(feed.entries) == 2
    assert feed.truncated


def test_a_feed_with_an_entity_bomb_is_refused():
    bomb = BILLION_LAUGHS.replace(b"DOCTYPE urlset", b"DOCTYPE rss").replace(b"<urlset", b"<rss").split(b"<rss x")[0]
    with pytest.raises(FeedError, match=r"^entity declarations are refused$"):
        parse_feed(bomb + b"<rss><channel><item><title>&lol9;</title></item></channel></rss>", "https://a.gov.vn/")


# -- dates ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-06-30T09:15:00+07:00", "2025-06-30T09:15:00+07:00"),
        ("2025-06-30T02:15:00Z", "2025-06-30T09:15:00+07:00"),
        ("2025-06-30T02:15:00.123456+00:00", "2025-06-30T09:15:00+07:00"),
        ("2025-06-30T09:15+07:00", "2025-06-30T09:15:00+07:00"),
        ("2025-06-30T09:15:00", "2025-06-30T09:15:00+07:00"),
        ("2025-06-30", "2025-06-30"),
        ("2025-06", "2025-06"),
        ("2025", "2025"),
        ("2025-13-01", None),
        ("30/06/2025", None),
        ("", None),
        (None, None),
    ],
)
def test_w3c_datetimes(value, expected):
    assert w3c_datetime(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mon, 30 Jun 2025 09:15:00 +0700", "2025-06-30T09:15:00+07:00"),
        ("Mon, 30 Jun 2025 02:15:00 GMT", "2025-06-30T09:15:00+07:00"),
        ("30 Jun 2025 02:15 UT", "2025-06-30T09:15:00+07:00"),
        ("Mon, 30 Jun 2025 02:15:00 -0000", "2025-06-30T09:15:00+07:00"),
        ("Mon, 29 Jun 2025 22:15:00 EDT", "2025-06-30T09:15:00+07:00"),
        ("Mon, 30 Jun 2025 09:15:00 ICT", "2025-06-30T09:15:00+07:00"),
        ("2025-06-30T09:15:00+07:00", "2025-06-30T09:15:00+07:00"),
        ("Thứ hai, 30/06/2025 09:15", "2025-06-30T09:15:00+07:00"),
        ("hôm qua", None),
    ],
)
def test_rfc822_datetimes(value, expected):
    assert rfc822_datetime(value) == expected


# -- the registry's feeds field ---------------------------------------------------------------------------------
ENTRY = (
    '[[portal]]\nid = "qni-moduc"\nname = "Mộ Đức"\nprovince = "Quảng Ngãi"\nlevel = "huyện"\n'
    'base_url = "https://moduc.quangngai.gov.vn/"\nplatform = "generic"\n'
)


def test_registry_feeds_are_a_list_relative_to_the_base_url():
    from govscraper.registry import parse_registry

    portal = parse_registry(ENTRY + 'feeds = ["rss/tin-tuc.rss", " https://moduc.quangngai.gov.vn/atom.xml "]\n')[
        "qni-moduc"
    ]
    assert portal.feeds == ("rss/tin-tuc.rss", "https://moduc.quangngai.gov.vn/atom.xml")
    assert "feeds" not in portal.as_row()
    assert "feeds" not in portal.extra
    assert parse_registry(ENTRY)["qni-moduc"].feeds == ()


@pytest.mark.parametrize("value", ['"rss/tin-tuc.rss"', "[1]", '[""]'])
def test_registry_feeds_that_are_not_a_list_of_urls_are_a_one_line_error(value):
    from govscraper.registry import RegistryError, parse_registry

    with pytest.raises(RegistryError) as caught:
        parse_registry(ENTRY + f"feeds = {value}\n", "portals.toml")
    assert str(caught.value) == (
        "portals.toml: portal 'qni-moduc': feeds must be a list of feed URLs, like feeds = [\"rss/tin-tuc.rss\"]"
    )
