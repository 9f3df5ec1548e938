"""The date table: date lines of Vietnamese portals with the values a reader gets from them.

Each case is ``(text, published, views)``: ``published`` is ISO 8601 with ``+07:00`` when the line gives a time,
``YYYY-MM-DD`` when it gives only a date, None when it gives no usable date; ``views`` is the view count on the line
or None. Every expected value was written by reading the text, not by running a parser. All cases are read with
the crawl time :data:`NOW` (dates after it are parse errors, not publication dates).

Used by tests/unit/test_dates.py (for govscraper.text.parse_vn_datetime and parse_views) and by benchmarks/dates.py
(ours against dateparser).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from govscraper.text import VN_TZ

#: The crawl time every case is read with.
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=VN_TZ)

NBSP = "\u00a0"

#: Held out: lines of public Vietnamese pages (press and .gov.vn), found after the parser was written and added
#: without changing it; benchmarks/dates.py reports them apart too.
HELD_OUT: list[tuple[str, str | None, int | None]] = [
    ("Thứ Sáu, ngày 23 tháng 08 năm 2019, 09:25:27", "2019-08-23T09:25:27+07:00", None),  # baodantoc.vn header
    ("P. Ngọc - 11:28, 23/07/2021", "2021-07-23T11:28:00+07:00", None),  # baodantoc.vn byline
    ("VĂN HÀO - TRẦN HỮU 30/04/2016 11:39", "2016-04-30T11:39:00+07:00", None),  # baoquangnam.vn print view
    ("Ngày phát hành 17:56 | 27/4/2023", "2023-04-27T17:56:00+07:00", None),  # vov1.vov.gov.vn search results
    ("Ngày đăng: 24/09/2018 Hiệu lực: 22/11/2016", "2018-09-24", None),  # nkt.xaydung.gov.vn documents, one line
    ("Ngày ban hành: 05/05/2021 Hiệu lực: 05/05/2021", "2021-05-05", None),  # badinh.edu.vn documents, one line
    ("Mỹ Tho, ngày 24 tháng 12 năm 2009", "2009-12-24", None),  # a decision's place and date (thuvienphapluat.vn)
    ("Số: 33/2009/QĐ-UBND", None, None),  # the same decision's number
    ("(3/2/1930 - 3/2/2023)", "1930-02-03", None),  # an anniversary range in a lead (hoinhabaohcm.vn)
    ("Ngày 18.6, Sở Thông tin và Truyền thông tổ chức gặp mặt", None, None),  # huyenuyphucu.vn lead: no year
    ("Chiều 12.4, ngay sau khi Quốc hội khóa XIII bế mạc", None, None),  # danviet.vn lead: no year
    ("Ngày 3-1, Tổng Bí thư Nguyễn Phú Trọng đã dự", None, None),  # hoinhabaohcm.vn lead: no year
    ("vào sáng mùng 6 (tức ngày 3.2)", None, None),  # a lead: lunar day and a day without year
]

CASES: list[tuple[str, str | None, int | None]] = [
    # --- date forms seen on real portals (day first, Vietnam time), and the reference cases 12-14 of
    #     tests/unit/test_vietnamese_table.py
    ("09/01/2022", "2022-01-09", None),
    ("01/10/2021 15:53    4792", "2021-10-01T15:53:00+07:00", 4792),
    ("21/07/2022 | 10:00 AM", "2022-07-21T10:00:00+07:00", None),
    ("Ngày đăng 09/09/2020 | 05:07 PM | View count: 842", "2020-09-09T17:07:00+07:00", 842),
    ("Publish date 12/02/2020 | 11:03 AM | View count: 832", "2020-02-12T11:03:00+07:00", 832),
    ("10:8, Thứ Tư, 3-4-2024", "2024-04-03T10:08:00+07:00", None),
    ("Thứ Tư, 07/01/2015 | 22:34", "2015-01-07T22:34:00+07:00", None),
    ("14:44 | 14/08/2022", "2022-08-14T14:44:00+07:00", None),
    ("ngày 05 tháng 01 năm 2022", "2022-01-05", None),
    ("Hà Nội, ngày 10 tháng 05 năm 2022", "2022-05-10", None),
    ("ngày 21 tháng 09 năm 2025", "2025-09-21", None),  # dateparser's GitHub issue #1297: zero-padded month
    ("12/05/2021 - 08:30", "2021-05-12T08:30:00+07:00", None),  # "dd/mm/yyyy - HH:MM", older haiphong.gov.vn
    # the remaining lines of tests/unit/test_text.py's first date table
    ("Ngày đăng 20/06/2018 | 4:12 PM \u00a0|\u00a0View count: 349", "2018-06-20T16:12:00+07:00", 349),
    ("02/06/2015 | 12:00 AM", "2015-06-02T00:00:00+07:00", None),
    ("không có ngày", None, None),
    # --- real Liferay 6.2 pages (tests/fixtures/liferay62/PROVENANCE.md): div.assetPublishDate text as the parser
    # gets it (HTML parsed: &nbsp; is U+00A0; leading and trailing spaces kept)
    (f" Ngày đăng 09/09/2020 | 05:07 PM {NBSP}|{NBSP}View count: 842 ", "2020-09-09T17:07:00+07:00", 842),
    (f" Ngày đăng 19/04/2020 | 12:04 PM {NBSP}|{NBSP}View count: 1100 ", "2020-04-19T12:04:00+07:00", 1100),
    (f" Ngày đăng 03/04/2020 | 10:36 PM {NBSP}|{NBSP}View count: 836 ", "2020-04-03T22:36:00+07:00", 836),
    (f" Ngày đăng 20/06/2018 | 4:12 PM {NBSP}|{NBSP}View count: 349 ", "2018-06-20T16:12:00+07:00", 349),
    (f" Publish date 12/02/2020 | 11:03 AM {NBSP}|{NBSP}View count: 832 ", "2020-02-12T11:03:00+07:00", 832),
    (f" Publish date 02/06/2015 | 12:00 AM {NBSP}|{NBSP}View count: 870 ", "2015-06-02T00:00:00+07:00", 870),
    (" 29/09/2012 | 12:00 AM ", "2012-09-29T00:00:00+07:00", None),  # imported 2012 items: all "12:00 AM"
    (" (10/08/2022) ", "2022-08-10", None),  # span.date_content_asset on the home page
    # the same line as raw HTML, entities not yet decoded (a caller passing markup text)
    ("Ngày đăng 09/09/2020 | 05:07 PM &nbsp;|&nbsp;View count: 842", "2020-09-09T17:07:00+07:00", 842),
    # --- built layout pages, tests/fixtures/layouts (published values of their .json)
    ("Ngày đăng: 25/10/2023 07:45", "2023-10-25T07:45:00+07:00", None),  # cdsqni print view
    ("12/11/2013 - 16:20", "2013-11-12T16:20:00+07:00", None),  # haiphong_old divDetail_DateCreate
    ("(10/11/2013)", "2013-11-10", None),  # haiphong_old "other news" entry
    ("Thứ Hai, 13/03/2023 08:30", "2023-03-13T08:30:00+07:00", None),  # hatinh ngay-dang
    ("Thứ Hai, ngày 13/03/2023", "2023-03-13", None),  # hatinh top bar (today's date)
    ("Lượt xem: 1.025", None, 1025),  # hatinh, under the body
    # hatinh_camquan: the whole page is NFD (decomposed letters)
    (unicodedata.normalize("NFD", "Cập nhật ngày 05 tháng 01 năm 2022"), "2022-01-05", None),
    (f" Ngày đăng 21/07/2022 | 10:00 AM {NBSP}|{NBSP}Lượt xem: 1.234 ", "2022-07-21T10:00:00+07:00", 1234),  # lr62
    ("Thứ Hai, 12/09/2022 - 16:05", "2022-09-12T16:05:00+07:00", None),  # lr7_quangtri qt-date
    ("16/02/2022", "2022-02-16", None),  # moduc date-news
    ("(28/12/2021)", "2021-12-28", None),  # moduc "Các tin khác"
    ("Cập nhật: 15/06/2012 09:30", "2012-06-15T09:30:00+07:00", None),  # qni2012 ngay-tin
    (f"01/10/2021 15:53 {NBSP} {NBSP}  4792", "2021-10-01T15:53:00+07:00", 4792),  # qni2021 time-detail (icon dropped)
    ("Thứ Sáu, 01/10/2021", "2021-10-01", None),  # qni2021 top bar
    ("Thứ Tư, 07/01/2015 | 22:34", "2015-01-07T22:34:00+07:00", None),  # sp_dongnai lblNgayDang
    ("10/05/2022 3:20 CH", "2022-05-10T15:20:00+07:00", None),  # sp_monre: SharePoint vi "CH" = PM
    ("12/07/2025 10:25 Lượt xem: 386", "2025-07-12T10:25:00+07:00", 386),  # upload_khanhcuong info-detail
    ("Cập nhật lúc 08:05 ngày 21/09/2025", "2025-09-21T08:05:00+07:00", None),  # upload_minhlong detail-time
    ("2023-09-21T09:15:00+07:00", "2023-09-21T09:15:00+07:00", None),  # upload_quangngai article:published_time
    ("Thứ năm, 21/09/2023 - 09:15", "2023-09-21T09:15:00+07:00", None),  # upload_quangngai article-date
    ("27/12/2013 | 14:05", "2013-12-27T14:05:00+07:00", None),  # binhson (VNI page) date-news
    ("10:8, Thứ Bảy, 10-2-2024", "2024-02-10T10:08:00+07:00", None),  # lyson date-news
    ("15/03/2012", "2012-03-15", None),  # moduc TCVN3 page date-news
    ("14:44 | 12/10/2023", "2023-10-12T14:44:00+07:00", None),  # nghiahanh date-news
    ("Thứ Sáu, 20/05/2022 | 09:40", "2022-05-20T09:40:00+07:00", None),  # tunghia (mojibake page) date-news
    # fixture lines that hold no full date: never invent the year or the day
    ("Ngày 04/01, Ban Chỉ đạo xây dựng nông thôn mới xã Cẩm Quan tổ chức hội nghị", None, None),  # hatinh_camquan
    ("Thông báo lịch tiếp công dân tháng 10/2025", None, None),  # upload_minhlong title
    ("Online 7 / Hôm nay 3009 / Tổng 7.448.251", None, None),  # visitor counter, moduc
    ("Thông tư số 15/2020/TT-BTTTT", None, None),  # document number, liferay62 list p1
    # --- govscraper_replica/render.py: list_date, article_date, date_content_asset
    ("21/07/2022 | 10:00 AM", "2022-07-21T10:00:00+07:00", None),
    (f"Ngày đăng 09/01/2022 | 3:20 PM {NBSP}|{NBSP}View count: 57", "2022-01-09T15:20:00+07:00", 57),
    ("(09/01/2022)", "2022-01-09", None),
    # --- other forms Vietnamese portals write: labels, separators, 12/24-hour clocks, weekdays
    ("Cập nhật: 10:30 | 03/04/2024", "2024-04-03T10:30:00+07:00", None),
    ("Ngày đăng: 12/05/2021", "2021-05-12", None),
    ("Đăng lúc 08:15 ngày 05/01/2022", "2022-01-05T08:15:00+07:00", None),
    ("Thứ năm, ngày 12/05/2022 - 15:20", "2022-05-12T15:20:00+07:00", None),
    ("12-05-2022 15:20:30", "2022-05-12T15:20:30+07:00", None),
    ("12.05.2022", "2022-05-12", None),
    ("10h30 ngày 3/4/2024", "2024-04-03T10:30:00+07:00", None),
    ("10 giờ 30 phút, ngày 3 tháng 4 năm 2024", "2024-04-03T10:30:00+07:00", None),
    ("Ngày 12/05/2022 lúc 15h20", "2022-05-12T15:20:00+07:00", None),
    ("10 giờ sáng ngày 3/4/2024", "2024-04-03T10:00:00+07:00", None),
    ("7 giờ tối, 03/04/2024", "2024-04-03T19:00:00+07:00", None),
    ("12/5/2022 9:05", "2022-05-12T09:05:00+07:00", None),
    ("T5, 12/05/2022 15:20", "2022-05-12T15:20:00+07:00", None),
    ("NGÀY 05 THÁNG 01 NĂM 2022", "2022-01-05", None),
    ("ngày 3 tháng 4 năm 2024", "2024-04-03", None),
    ("Chủ nhật, 07/01/2024 22:34", "2024-01-07T22:34:00+07:00", None),
    # Liferay / Java vi locale: SA = sáng (AM), CH = chiều (PM)
    ("12/05/2022 08:15 SA", "2022-05-12T08:15:00+07:00", None),
    ("12/05/2022 03:20 CH", "2022-05-12T15:20:00+07:00", None),
    ("12/05/2022 12:15 SA", "2022-05-12T00:15:00+07:00", None),
    ("12/05/2022 12:15 CH", "2022-05-12T12:15:00+07:00", None),
    # 12-hour clock edges: 12:xx AM is just after midnight, 12:xx PM just after noon
    ("12/05/2022 | 12:00 AM", "2022-05-12T00:00:00+07:00", None),
    ("12/05/2022 | 12:30 PM", "2022-05-12T12:30:00+07:00", None),
    ("12/05/2022 | 12:30 AM", "2022-05-12T00:30:00+07:00", None),
    ("12/05/2022 | 11:59 PM", "2022-05-12T23:59:00+07:00", None),
    # time zone suffixes
    ("Thứ năm, 12/05/2022 - 15:20 (GMT+7)", "2022-05-12T15:20:00+07:00", None),
    ("12/05/2022 15:20 (UTC+07:00)", "2022-05-12T15:20:00+07:00", None),
    ("12/05/2022 08:20 GMT", "2022-05-12T15:20:00+07:00", None),
    # ISO 8601 from meta tags (article:published_time, datePublished): converted to Vietnam time
    ("2022-05-12T08:20:00Z", "2022-05-12T15:20:00+07:00", None),
    ("2022-05-12T15:20:00+07:00", "2022-05-12T15:20:00+07:00", None),
    ("2022-05-12", "2022-05-12", None),
    ("2022-05-12T08:20:00.000Z", "2022-05-12T15:20:00+07:00", None),
    ("2022-05-12T20:30:00Z", "2022-05-13T03:30:00+07:00", None),  # already the next day in Vietnam
    ("2022-05-12T15:20:00", "2022-05-12T15:20:00+07:00", None),  # no offset: Vietnam time
    ("2022-05-12 15:20:00", "2022-05-12T15:20:00+07:00", None),  # SQL style
    # 2-digit years (some list widgets): read as 20yy
    ("03/04/24", "2024-04-03", None),
    ("03/04/24 10:30", "2024-04-03T10:30:00+07:00", None),
    # two dates on a line: the one labelled as the publication ("đăng", "publish") wins, else the first;
    # a time goes with the date it stands nearest to
    ("Ngày đăng: 12/05/2022 | Cập nhật: 14/05/2022 09:30", "2022-05-12", None),
    ("Cập nhật: 14/05/2022 09:30 | Ngày đăng: 12/05/2022 08:00", "2022-05-12T08:00:00+07:00", None),
    ("12/05/2022 08:00 (cập nhật 14/05/2022 09:30)", "2022-05-12T08:00:00+07:00", None),
    ("(27/7/1947 - 27/7/2022)", "1947-07-27", None),  # a range in a title (liferay62 home): the first
    # view counts, labelled or trailing
    ("12/05/2022 15:20 | Lượt xem: 1.234", "2022-05-12T15:20:00+07:00", 1234),
    ("Lượt xem: 1,234", None, 1234),
    ("View count: 842", None, 842),
    ("Lượt xem: 1.234 | 03/04/2020", "2020-04-03", 1234),
    ("03/04/2020 | 1.234 lượt xem", "2020-04-03", 1234),
    ("Số lượt xem: 0", None, 0),
    ("Lượt xem:", None, None),
    # no day, or relative: None (never invent a day, never count back from the crawl time)
    ("Tháng 5/2022", None, None),
    ("năm 2022", None, None),
    ("05/2022", None, None),
    ("2 giờ trước", None, None),
    ("hôm qua", None, None),
    ("3 ngày trước", None, None),
    ("", None, None),
    # impossible dates and times
    ("31/02/2022", None, None),
    ("29/02/2023", None, None),
    ("29/02/2024", "2024-02-29", None),
    ("12/13/2022", None, None),  # month first (US order): the month is never read first
    ("25:10 12/05/2022", "2022-05-12", None),  # no such time: the date alone
    # numbers that are not dates
    ("192.168.1.10", None, None),
    ("Phiên bản 1.2.24", None, None),
    ("Nghị định số 08/2022/NĐ-CP", None, None),
    # after the crawl time (2026-11-28 12:00 +07:00): a parse error, not a publication date
    ("09/01/2030", None, None),
    ("29/11/2026", None, None),
    ("28/11/2026", "2026-11-28", None),
    ("28/11/2026 11:59", "2026-11-28T11:59:00+07:00", None),
    ("28/11/2026 12:30", None, None),
    ("2026-11-28T06:00:00Z", None, None),  # 13:00 in Vietnam
    *HELD_OUT,
]
