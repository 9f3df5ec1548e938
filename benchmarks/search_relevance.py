"""Relevance of ``govscraper search`` on judged queries, beside a full-bm25 baseline: nDCG@10, precision@20, and
whether every planted best answer ranks in the top 5.

    python benchmarks/search_relevance.py [--articles 100000] [--repeat 5] [--keep PATH] [--per-query]

The archive (``benchmarks/search_archive.py``): ``--articles`` replica articles over 10 Quảng Ngãi portals and
2019-2025, written with the real schema and indexed as a crawl indexes them, with the best answers of the judged
queries planted among them: for each intent (:data:`INTENTS`: an official's name, a place before or after the 2025
reform, a programme, a disaster, a phrase), one to three articles whose title holds the intent's phrase and whose
lead and body repeat it, archived at the START (before every generated article: the oldest archived, the smallest
ids), the MIDDLE or the END, published 2019-2025 (never the newest, so recency cannot explain a good rank), and
within every filter of the queries that look for them. Beside them, archived at the END and published in 2025 (the
newest, to tempt a ranking that leans on recency), distractors: the intent's words scattered and repeated but never
as its phrase, or words that fold alike ("Nguyễn Văn Vinh" and "Trần Quang Hải" for "Nguyễn Quang Vinh"; "bàn giao
... mặt bằng" for "giai phong mat bang"; "Quảng" for "quang"). Then ``sync`` builds the ranking index.

The queries (:data:`QUERIES`, 46): each intent typed with its diacritics and, for many, without; some with a filter
(year, portal, category). Judged relevance, by a rule over the stored text, never over what an engine returns:
grade 3 for the intent's planted answers; 2 for an article whose title holds the intent's phrase (its words in
order, as written: tone placement unified, case and punctuation ignored); 1 for one whose lead, body or captions
hold it; 0 otherwise (the distractors by construction). A filter applies to the judgement too. Only articles the
query finds at all (FTS5) are judged.

Measured for ``govscraper search`` (``search(conn, parse(q), filters, limit=20)``, the ranking index in step) and
for the baseline: every match of the query ranked by FTS5's bm25 with the same column weights, no window
(``ORDER BY bm25(...)`` over ``parse(q).fts_full``): nDCG@10 (gains 2^grade - 1, the ideal from the whole judged
set), precision@20 (grade >= 1), the rank of every planted answer, and the time of each query (warm, ``--repeat``
rounds after one warm-up); and, for comparison, the ranking govscraper had before (bm25 over a query's 3,000 most
recently archived matches). Targets: every planted answer in the top 5 of ``govscraper search``, for every query;
mean nDCG@10 at least the baseline's. Exits 1 if one is missed.
"""

from __future__ import annotations

import argparse
import collections
import math
import random
import re
import statistics
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from search_archive import PORTALS, generate, insert_article, percentile  # a script beside its sibling

from govscraper.archive.fulltext import FTS_TABLE, bm25_call
from govscraper.archive.ranking_index import sync
from govscraper.archive.schema import open_db
from govscraper.search import Filters, parse, search
from govscraper.text.fold import canonical_tones, fold

PORTAL_IDS = [portal[0] for portal in PORTALS]
CATEGORIES = ("Tin tức - Sự kiện", "Kinh tế - Xã hội", "Văn hóa - Xã hội", "Chỉ đạo - Điều hành")
FILLER = (
    "Thời gian qua, UBND huyện đã chỉ đạo các phòng, ban chuyên môn và UBND các xã, thị trấn triển khai đồng bộ "
    "nhiều giải pháp, gắn với tăng cường công tác kiểm tra, đôn đốc tại cơ sở.",
    "Nhờ sự vào cuộc quyết liệt của cả hệ thống chính trị và sự đồng thuận của Nhân dân, nhiều chỉ tiêu quan trọng "
    "đã đạt và vượt kế hoạch đề ra.",
    "Bên cạnh đó, công tác thông tin, tuyên truyền được chú trọng thực hiện trên Cổng thông tin điện tử huyện và "
    "hệ thống truyền thanh cơ sở.",
    "Kết thúc buổi làm việc, lãnh đạo huyện đề nghị các cơ quan, đơn vị tiếp tục phối hợp chặt chẽ, khắc phục tồn "
    "tại, hạn chế trong thời gian tới./.",
)


@dataclass
class Intent:
    """What a researcher looks for: its phrase as written, the planted best answers' titles and what they repeat,
    and distractors (title, body) that hold its words apart or look alike once folded."""

    phrase: str
    kind: str
    titles: tuple[str, ...]
    sentences: tuple[str, ...]
    distractors: tuple[tuple[str, str], ...] = ()
    portal: str | None = None  # the planted answers' portal (the queries' portal filter)
    years: tuple[int, int] = (2019, 2024)  # the planted answers' years (within the queries' date filters)
    category: str | None = None


@dataclass
class Judged:
    """One judged query: the text typed, the intent it means, its filter."""

    text: str
    intent: str
    filters: dict[str, object] = field(default_factory=dict)


INTENTS: dict[str, Intent] = {
    intent.phrase: intent
    for intent in (
        # Officials: planted names, and one the generated corpus names too.
        Intent(
            "Nguyễn Quang Vinh", "official",
            ("Đồng chí Nguyễn Quang Vinh làm việc tại xã Đức Lân",
             "Chủ tịch UBND huyện Nguyễn Quang Vinh tiếp công dân"),
            ("Đồng chí Nguyễn Quang Vinh, Chủ tịch UBND huyện, chủ trì buổi làm việc.",
             "Phát biểu kết luận, đồng chí Nguyễn Quang Vinh đề nghị các ngành tập trung tháo gỡ khó khăn."),
            (("Ông Nguyễn Văn Vinh và ông Trần Quang Hải thăm hỏi gia đình chính sách",
              "Ông Nguyễn Văn Vinh cùng ông Trần Quang Hải trao quà. Ông Nguyễn Văn Vinh phát biểu. Quang cảnh buổi lễ "
              "trang trọng; ông Vinh cảm ơn ông Quang."),
             ("Nguyễn Văn Vinh được bầu giữ chức Bí thư Đoàn xã",
              "Anh Nguyễn Văn Vinh, anh Lê Quang Vinh Hải nhận nhiệm vụ; Nguyễn Văn Vinh hứa phát huy vai trò. "
              "Quang Vinh là tên thôn.")),
        ),
        Intent(
            "Huỳnh Thị Hồng Hoa", "official",
            ("Bí thư Huyện ủy Huỳnh Thị Hồng Hoa kiểm tra công tác phòng, chống thiên tai",),
            ("Đồng chí Huỳnh Thị Hồng Hoa, Bí thư Huyện ủy, làm trưởng đoàn kiểm tra.",
             "Đồng chí Huỳnh Thị Hồng Hoa yêu cầu các xã chủ động phương án ứng phó."),
            (("Bà Huỳnh Thị Hoa và bà Nguyễn Thị Hồng nhận Bằng khen", "Bà Huỳnh Thị Hoa, bà Nguyễn Thị Hồng và bà Lê "
              "Thị Hồng Hoa Mai được khen thưởng; bà Huỳnh Thị Hoa cảm ơn."),),
        ),
        Intent(
            "Trương Minh Khánh", "official",
            ("Phó Chủ tịch UBND huyện Trương Minh Khánh kiểm tra tiến độ dự án",),
            ("Đồng chí Trương Minh Khánh, Phó Chủ tịch UBND huyện, kiểm tra thực tế tại công trình.",
             "Đồng chí Trương Minh Khánh yêu cầu nhà thầu bảo đảm chất lượng."),
            (("Trương Văn Minh và Lê Khánh trao đổi kinh nghiệm sản xuất", "Ông Trương Văn Minh, ông Lê Khánh cùng "
              "ông Minh Khánh Trương thăm mô hình; Trương Văn Minh chia sẻ."),),
            portal="qni-sontinh",
        ),
        Intent(
            "Lê Thị Kim Hương", "official",
            ("Đồng chí Lê Thị Kim Hương thăm, tặng quà hộ nghèo",),
            ("Đồng chí Lê Thị Kim Hương, Chủ tịch Ủy ban MTTQ Việt Nam huyện, trao quà.",
             "Đồng chí Lê Thị Kim Hương động viên các hộ vươn lên thoát nghèo."),
            years=(2021, 2022),
        ),
        # Places before the reform (district names) and after it (units formed on 1 July 2025).
        Intent(
            "Mộ Đức", "place-old",
            ("Mộ Đức: huyện Mộ Đức tổng kết 20 năm xây dựng huyện Mộ Đức",),
            ("Huyện Mộ Đức tổng kết chặng đường phát triển.", "Mộ Đức đặt mục tiêu trở thành thị xã.",
             "Nhân dân huyện Mộ Đức đồng lòng thực hiện."),
        ),
        Intent(
            "Đức Phổ", "place-old",
            ("Thị xã Đức Phổ: Đức Phổ phát triển đô thị ven biển",),
            ("Thị xã Đức Phổ đầu tư hạ tầng đô thị.", "Đức Phổ thu hút nhiều dự án du lịch."),
            portal="qni-ducpho",
        ),
        Intent(
            "Bình Sơn", "place-old",
            ("Bình Sơn: huyện Bình Sơn nỗ lực hoàn thành chỉ tiêu năm 2021",),
            ("Huyện Bình Sơn tập trung phát triển công nghiệp.",
             "Bình Sơn có nhiều dự án trong Khu kinh tế Dung Quất."),
            years=(2021, 2021),
        ),
        Intent(
            "Trà Bồng", "place-old",
            ("Trà Bồng: huyện Trà Bồng bảo tồn văn hóa Cor",),
            ("Huyện Trà Bồng tổ chức lễ hội truyền thống.", "Đồng bào Cor ở Trà Bồng gìn giữ bản sắc."),
        ),
        Intent(
            "phường Trương Quang Trọng", "place-new",
            ("Phường Trương Quang Trọng ra mắt sau sắp xếp đơn vị hành chính",
             "Phường Trương Quang Trọng tổ chức kỳ họp thứ nhất HĐND phường"),
            ("Phường Trương Quang Trọng được thành lập trên cơ sở sắp xếp các đơn vị cũ.",
             "Chính quyền phường Trương Quang Trọng chính thức vận hành từ ngày 1/7/2025."),
            (("Trương Quang Hải và Trọng Quang trao đổi tại phường Nghĩa Lộ", "Ông Trương Quang Hải, ông Trọng Quang "
              "dự họp tại phường; đường Trương Quang Trọng được chỉnh trang. Phường mới."),),
            years=(2025, 2025),
        ),
        Intent(
            "xã Đông Sơn", "place-new",
            ("Xã Đông Sơn kiện toàn bộ máy chính quyền địa phương hai cấp",),
            ("Xã Đông Sơn được thành lập từ ngày 1/7/2025.", "Đảng bộ xã Đông Sơn tổ chức đại hội lần thứ nhất."),
            (("Xã Sơn Hà và Đông Phước phối hợp trồng rừng", "Xã Sơn Hà, xã Đông Phước cùng thôn Đông trồng rừng; xã "
              "Sơn Hà vượt kế hoạch."),),
            years=(2025, 2025),
        ),
        Intent(
            "đặc khu Lý Sơn", "place-new",
            ("Đặc khu Lý Sơn đón những đoàn khách đầu tiên sau khi thành lập",),
            ("Đặc khu Lý Sơn là đơn vị hành chính mới của tỉnh.", "Chính quyền đặc khu Lý Sơn vận hành ổn định."),
            years=(2025, 2025),
        ),
        Intent(
            "xã Vạn Tường", "place-new",
            ("Xã Vạn Tường chú trọng cải cách hành chính sau sắp xếp",),
            ("Trung tâm Phục vụ hành chính công xã Vạn Tường tiếp nhận hồ sơ.", "Người dân xã Vạn Tường hài lòng."),
            years=(2025, 2025),
            category="Chỉ đạo - Điều hành",
        ),
        # Programmes.
        Intent(
            "nông thôn mới", "programme",
            ("Nông thôn mới: xã Đức Lân về đích nông thôn mới nâng cao",
             "Xây dựng nông thôn mới kiểu mẫu, nông thôn mới thông minh"),
            ("Xã hoàn thành 19/19 tiêu chí nông thôn mới.", "Phong trào xây dựng nông thôn mới lan tỏa.",
             "Người dân góp công xây dựng nông thôn mới."),
        ),
        Intent(
            "giảm nghèo bền vững", "programme",
            ("Giảm nghèo bền vững: kết quả Chương trình giảm nghèo bền vững giai đoạn 2021-2025",),
            ("Chương trình mục tiêu quốc gia giảm nghèo bền vững được triển khai đồng bộ.",
             "Nguồn vốn giảm nghèo bền vững hỗ trợ sinh kế cho hộ nghèo."),
            (("Giảm tỷ lệ hộ nghèo, phát triển bền vững kinh tế vườn", "Giảm chi phí, tăng thu nhập; hộ nghèo được hỗ "
              "trợ; phát triển bền vững. Giảm nghèo là nhiệm vụ; bền vững là mục tiêu."),),
            years=(2021, 2024),
        ),
        Intent(
            "chuyển đổi số", "programme",
            ("Chuyển đổi số: đẩy mạnh chuyển đổi số trong cơ quan nhà nước",),
            ("Huyện ban hành kế hoạch chuyển đổi số.", "Tổ công nghệ số cộng đồng hỗ trợ người dân chuyển đổi số."),
            (("Chuyển đổi cơ cấu cây trồng, số hóa bản đồ đất", "Chuyển đổi giống lúa; số hộ tham gia tăng; chuyển "
              "đổi đất lúa sang trồng màu; số liệu được cập nhật."),),
            category="Kinh tế - Xã hội",
        ),
        Intent(
            "cải cách hành chính", "programme",
            ("Cải cách hành chính: nâng cao chỉ số cải cách hành chính",),
            ("Huyện quyết tâm cải thiện chỉ số cải cách hành chính.", "Cải cách hành chính gắn với chuyển đổi số."),
            category="Chỉ đạo - Điều hành",
        ),
        Intent(
            "xóa nhà tạm", "programme",
            ("Xóa nhà tạm, nhà dột nát: bàn giao nhà cho hộ khó khăn trong phong trào xóa nhà tạm",),
            ("Huyện hoàn thành chỉ tiêu xóa nhà tạm, nhà dột nát.", "Phong trào xóa nhà tạm nhận được nhiều ủng hộ."),
            years=(2024, 2025),
        ),
        # Disasters.
        Intent(
            "bão số 13", "disaster",
            ("Khắc phục hậu quả bão số 13: huyện huy động lực lượng sau bão số 13",),
            ("Bão số 13 làm tốc mái nhiều nhà dân.", "Thiệt hại do bão số 13 ước tính hàng chục tỷ đồng."),
            (("Báo cáo số 13 về công tác bảo vệ rừng", "Báo cáo số 13/BC-UBND; bảo vệ rừng; số vụ vi phạm giảm; báo "
              "cáo được gửi cấp trên; bảo đảm số liệu."),),
            years=(2020, 2020),
        ),
        Intent(
            "bão", "disaster",
            ("Bão, lũ: huyện chủ động ứng phó với bão",),
            ("Các xã ven biển sơ tán dân tránh bão.", "Sau bão, lực lượng xung kích giúp dân dựng lại nhà."),
            (("Báo cáo công tác bảo vệ an ninh", "Báo cáo kết quả bảo vệ an ninh trật tự; báo chí đưa tin; bảo đảm an "
              "toàn."),),
        ),
        Intent(
            "sạt lở đất", "disaster",
            ("Sạt lở đất uy hiếp khu dân cư; di dời dân khỏi vùng sạt lở đất",),
            ("Mưa lớn gây sạt lở đất tại nhiều thôn.", "Huyện cảnh báo nguy cơ sạt lở đất ở vùng núi."),
            (("Sắt thép, lò đất nung và đất sét", "Cơ sở sắt thép; lò gạch đất nung; đất sét; sạt mái tôn; lở bờ ao "
              "nhỏ."),),
        ),
        Intent(
            "lũ lụt", "disaster",
            ("Ứng phó lũ lụt: phương án ứng phó lũ lụt mùa mưa năm 2022",),
            ("Huyện sẵn sàng ứng phó lũ lụt.", "Lũ lụt gây ngập nhiều tuyến đường."),
            years=(2022, 2022),
        ),
        Intent(
            "hạn hán", "disaster",
            ("Hạn hán kéo dài: nông dân chống hạn hán cứu lúa",),
            ("Hạn hán làm nhiều diện tích lúa thiếu nước.", "Công ty thủy lợi điều tiết nước chống hạn hán."),
            portal="qni-binhson",
        ),
        # Phrases of local government.
        Intent(
            "giải phóng mặt bằng", "phrase",
            ("Giải phóng mặt bằng: tháo gỡ vướng mắc giải phóng mặt bằng dự án cao tốc",
             "Đẩy nhanh giải phóng mặt bằng các dự án trọng điểm"),
            ("Công tác giải phóng mặt bằng còn chậm.", "Huyện thành lập tổ công tác giải phóng mặt bằng.",
             "Vốn cho giải phóng mặt bằng được ưu tiên."),
            (("Bàn giao mặt bằng, giải quyết phòng làm việc cho trường",
              "Bàn giao mặt bằng sạch; giải quyết phòng học; bàn giao mặt bằng thi công; giải quyết kiến nghị; "
              "phòng họp mới."),
             ("Giải bóng đá: phong trào mặt trận, bằng khen cho đội",
              "Giải bóng đá thành công; phong trào Mặt trận sôi nổi; bằng khen; giải thưởng; mặt sân đẹp.")),
        ),
        Intent(
            "hội nghị", "phrase",
            ("Hội nghị: hội nghị tổng kết công tác năm và triển khai nhiệm vụ",),
            ("Hội nghị đánh giá kết quả năm qua.", "Tại hội nghị, các đại biểu thảo luận.", "Hội nghị thống nhất."),
            (("Hội Nông dân nghị quyết hành động",
              "Hội Nông dân triển khai nghị quyết; Hội viên nghị bàn; Hội cựu chiến binh; nghị quyết mới."),),
        ),
        Intent(
            "tiếp xúc cử tri", "phrase",
            ("Tiếp xúc cử tri: đại biểu HĐND tiếp xúc cử tri sau kỳ họp",),
            ("Đại biểu tiếp xúc cử tri tại xã.", "Buổi tiếp xúc cử tri ghi nhận nhiều kiến nghị."),
            category="Tin tức - Sự kiện",
        ),
        Intent(
            "an toàn giao thông", "phrase",
            ("An toàn giao thông: ra quân bảo đảm an toàn giao thông dịp Tết",),
            ("Lực lượng chức năng tuần tra an toàn giao thông.", "Tuyên truyền an toàn giao thông trong trường học."),
            (("An toàn thực phẩm và giao thông nông thôn", "Bảo đảm an toàn thực phẩm; làm đường giao thông nông thôn; "
              "an toàn lao động; thông tin tuyên truyền."),),
        ),
        Intent(
            "sáp nhập đơn vị hành chính", "phrase",
            ("Sáp nhập đơn vị hành chính: lấy ý kiến cử tri về sáp nhập đơn vị hành chính cấp xã",),
            ("Huyện hoàn thành lấy ý kiến về sáp nhập đơn vị hành chính.",
             "Đề án sáp nhập đơn vị hành chính được thông qua."),
            years=(2024, 2025),
        ),
        Intent(
            "phòng chống dịch", "phrase",
            ("Phòng chống dịch: tăng cường phòng chống dịch COVID-19",),
            ("Huyện kích hoạt các chốt phòng chống dịch.", "Công tác phòng chống dịch được siết chặt."),
            years=(2020, 2021),
        ),
    )
}  # fmt: skip

QUERIES: tuple[Judged, ...] = (
    Judged("Nguyễn Quang Vinh", "Nguyễn Quang Vinh"),
    Judged("nguyen quang vinh", "Nguyễn Quang Vinh"),
    Judged("Huỳnh Thị Hồng Hoa", "Huỳnh Thị Hồng Hoa"),
    Judged("huynh thi hong hoa", "Huỳnh Thị Hồng Hoa"),
    Judged("Trương Minh Khánh", "Trương Minh Khánh", {"portals": ("qni-sontinh",)}),
    Judged("truong minh khanh", "Trương Minh Khánh"),
    Judged("Lê Thị Kim Hương", "Lê Thị Kim Hương", {"since": "2021", "until": "2022"}),
    Judged("Mộ Đức", "Mộ Đức"),
    Judged("mo duc", "Mộ Đức"),
    Judged("Đức Phổ", "Đức Phổ", {"portals": ("qni-ducpho",)}),
    Judged("duc pho", "Đức Phổ"),
    Judged("Bình Sơn", "Bình Sơn", {"since": "2021", "until": "2021"}),
    Judged("binh son", "Bình Sơn"),
    Judged("Trà Bồng", "Trà Bồng"),
    Judged("phường Trương Quang Trọng", "phường Trương Quang Trọng"),
    Judged("phuong truong quang trong", "phường Trương Quang Trọng"),
    Judged("xã Đông Sơn", "xã Đông Sơn", {"since": "2025"}),
    Judged("xa dong son", "xã Đông Sơn"),
    Judged("đặc khu Lý Sơn", "đặc khu Lý Sơn"),
    Judged("xã Vạn Tường", "xã Vạn Tường", {"category": "chi dao - dieu hanh"}),
    Judged("nông thôn mới", "nông thôn mới"),
    Judged("nong thon moi", "nông thôn mới"),
    Judged("giảm nghèo bền vững", "giảm nghèo bền vững", {"since": "2021"}),
    Judged("giam ngheo ben vung", "giảm nghèo bền vững"),
    Judged("chuyển đổi số", "chuyển đổi số", {"category": "Kinh tế - Xã hội"}),
    Judged("chuyen doi so", "chuyển đổi số"),
    Judged("cải cách hành chính", "cải cách hành chính", {"category": "Chỉ đạo - Điều hành"}),
    Judged("xóa nhà tạm", "xóa nhà tạm"),
    Judged("bão số 13", "bão số 13", {"since": "2020", "until": "2020"}),
    Judged("bao so 13", "bão số 13"),
    Judged("bão", "bão"),
    Judged("sạt lở đất", "sạt lở đất"),
    Judged("sat lo dat", "sạt lở đất"),
    Judged("lũ lụt", "lũ lụt", {"since": "2022", "until": "2022"}),
    Judged("hạn hán", "hạn hán", {"portals": ("qni-binhson",)}),
    Judged("han han", "hạn hán"),
    Judged("giải phóng mặt bằng", "giải phóng mặt bằng"),
    Judged("giai phong mat bang", "giải phóng mặt bằng"),
    Judged("hội nghị", "hội nghị"),
    Judged("hoi nghi", "hội nghị"),
    Judged("tiếp xúc cử tri", "tiếp xúc cử tri", {"category": "Tin tức - Sự kiện"}),
    Judged("an toàn giao thông", "an toàn giao thông"),
    Judged("an toan giao thong", "an toàn giao thông"),
    Judged("sáp nhập đơn vị hành chính", "sáp nhập đơn vị hành chính"),
    Judged("sap nhap don vi hanh chinh", "sáp nhập đơn vị hành chính"),
    Judged("phòng chống dịch", "phòng chống dịch", {"since": "2020", "until": "2021"}),
)
POSITIONS = ("start", "middle", "end")


def normalized(text: str) -> str:
    """Text as relevance compares it: its words (runs of letters and digits, as the indexes cut them: "phòng, chống
    dịch" holds the phrase "phòng chống dịch"), NFC, tone placement unified, lowercase, one space apart."""
    return (
        " " + " ".join(re.findall(r"[^\W_]+", canonical_tones(unicodedata.normalize("NFC", text or "")).lower())) + " "
    )


def planted_articles(rng: random.Random) -> dict[str, list[tuple[str, dict, tuple[str, str, str]]]]:
    """Per position, the articles to plant: (intent phrase or "", the article in the manifest's shape, portal);
    "" marks a distractor. Every intent's answers get positions in turn, so each position holds many."""
    by_position: dict[str, list] = {position: [] for position in POSITIONS}
    portals = {portal[0]: portal for portal in PORTALS}
    turn = 0
    for intent in INTENTS.values():
        for title in intent.titles:
            position = POSITIONS[turn % 3]
            turn += 1
            year = rng.randint(*intent.years)
            published = f"{year}-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}T0{rng.randint(7, 9)}:30:00+07:00"
            body = [FILLER[0], intent.sentences[0], FILLER[1], *intent.sentences[1:], FILLER[3]]
            article = _article(f"/planted/{turn}", title, intent.sentences[0], body, published, intent.category)
            portal = portals[intent.portal] if intent.portal else PORTALS[turn % len(PORTALS)]
            by_position[position].append((intent.phrase, article, portal))
        for number, (title, text) in enumerate(intent.distractors):
            turn += 1
            published = f"2025-{rng.randint(8, 11):02d}-{rng.randint(1, 28):02d}T10:00:00+07:00"
            body = [FILLER[0], text, FILLER[2]]
            article = _article(f"/distractor/{turn}", title, text.split(";")[0] + ".", body, published, None)
            portal = portals[intent.portal] if intent.portal else PORTALS[number % len(PORTALS)]
            by_position["end"].append(("", article, portal))
    return by_position


def _article(url: str, title: str, sapo: str, body: list[str], published: str, category: str | None) -> dict:
    return {
        "url": url,
        "id": abs(hash(url)) % 10**7,
        "title": title,
        "sapo": sapo,
        "body": body,
        "published": published,
        "author": "Ban biên tập",
        "category_name": category or CATEGORIES[len(url) % 3],
        "views": 100,
        "summary": sapo,
        "thumbnail": None,
        "images": [],
        "attachments": [],
    }


def build(db_path: Path, articles: int) -> dict[str, float]:
    """Generate the archive with the planted articles; record which ids answer which intent."""
    rng = random.Random(2026)
    planted = planted_articles(rng)
    answers: list[tuple[str, int, str]] = []

    def plant(conn, runs: dict[str, int], position: str) -> None:
        for intent, article, portal in planted[position]:
            article_id = insert_article(conn, article, portal, runs[portal[0]], "2026-01-01T00:00:00Z", rename=False)
            if intent:
                answers.append((intent, article_id, position))

    timings = generate(db_path, articles, plant)
    conn = open_db(db_path).conn
    with conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_planted (intent TEXT, article_id INTEGER, position TEXT)")
        conn.executemany("INSERT INTO bench_planted VALUES (?, ?, ?)", answers)
    conn.close()
    return timings


def filters_of(judged: Judged) -> Filters:
    return Filters(**judged.filters)  # type: ignore[arg-type]


def judge(conn, judged: Judged, planted: set[int]) -> dict[int, int]:
    """Grades of every article the query finds (FTS5), by the rule in the module docstring."""
    query = parse(judged.text)
    clauses, params = filters_of(judged).where(conn)
    where = " AND ".join([f"{FTS_TABLE} MATCH ?", *clauses])
    phrase = normalized(judged.intent)
    grades: dict[int, int] = {}
    for article_id, title, sapo, body, captions in conn.execute(
        f"SELECT a.id, a.title, a.sapo, a.body, (SELECT group_concat(caption, ' ') FROM article_images i "
        f"WHERE i.article_id = a.id) FROM {FTS_TABLE} JOIN articles a ON a.id = {FTS_TABLE}.rowid WHERE {where}",
        [query.fts_full, *params],
    ):
        if article_id in planted:
            grades[article_id] = 3
        elif phrase in normalized(title):
            grades[article_id] = 2
        elif phrase in normalized(" ".join(part or "" for part in (sapo, body, captions))):
            grades[article_id] = 1
        else:
            grades[article_id] = 0
    return grades


def baseline(conn, judged: Judged, limit: int = 20) -> list[int]:
    """Every match ranked by FTS5's bm25 with the index's column weights: no window, no groups."""
    clauses, params = filters_of(judged).where(conn)
    where = " AND ".join([f"{FTS_TABLE} MATCH ?", *clauses])
    return [
        article_id
        for (article_id,) in conn.execute(
            f"SELECT {FTS_TABLE}.rowid FROM {FTS_TABLE} JOIN articles a ON a.id = {FTS_TABLE}.rowid WHERE {where} "
            f"ORDER BY {bm25_call()}, {FTS_TABLE}.rowid LIMIT ?",
            [parse(judged.text).fts_full, *params, limit],
        )
    ]


#: How many of the most recently archived matches govscraper ranked before it ranked every match.
OLD_WINDOW = 3_000


def windowed(conn, judged: Judged, limit: int = 20) -> list[int]:
    """The ranking before this benchmark existed, for comparison: bm25 over the query's newest ``OLD_WINDOW``
    matches (by archive order, filters applied first), exact matches first."""
    query = parse(judged.text)
    clauses, params = filters_of(judged).where(conn)
    where = " AND ".join([f"{FTS_TABLE} MATCH ?", *clauses])
    found: list[int] = []
    groups = [query.fts_exact] + ([query.fts_folded_only] if query.fts_folded_only else [])
    for expression in groups:
        newest = (
            f"SELECT {FTS_TABLE}.rowid AS id, {bm25_call()} AS score FROM {FTS_TABLE} "
            f"JOIN articles a ON a.id = {FTS_TABLE}.rowid WHERE {where} ORDER BY {FTS_TABLE}.rowid DESC LIMIT ?"
        )
        found += [
            article_id
            for (article_id,) in conn.execute(
                f"SELECT id FROM ({newest}) ORDER BY score, id LIMIT ?",
                [expression, *params, OLD_WINDOW, limit - len(found)],
            )
        ]
        if len(found) >= limit:
            break
    return found


def ours(conn, judged: Judged, limit: int = 20) -> list[int]:
    return [hit.id for hit in search(conn, parse(judged.text), filters_of(judged), limit=limit)]


def ndcg(ranked: list[int], grades: dict[int, int], k: int = 10) -> float:
    def dcg(values: list[int]) -> float:
        return sum((2**grade - 1) / math.log2(position + 2) for position, grade in enumerate(values[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(article_id, 0) for article_id in ranked]) / ideal if ideal else 0.0


def precision(ranked: list[int], grades: dict[int, int], k: int = 20) -> float:
    return sum(1 for article_id in ranked[:k] if grades.get(article_id, 0) >= 1) / k


def timed(function, conn, judged: Judged, repeat: int) -> tuple[list[int], list[float]]:
    result = function(conn, judged)  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function(conn, judged)
        times.append((time.perf_counter() - started) * 1000)
    return result, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="Timed rounds per query (after one warm-up).")
    parser.add_argument("--keep", type=Path, help="Generate the archive here and keep it (reused if it exists).")
    parser.add_argument("--per-query", action="store_true", help="Print every query's figures.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.keep or Path(tmp) / "archive.db"
        if db_path.exists():
            print(f"archive: reusing {db_path}")
        else:
            started = time.perf_counter()
            generated = build(db_path, args.articles)
            print(
                f"archive generated in {time.perf_counter() - started:.0f} s (replica text "
                f"{generated['build_s']:.0f} s, rows {generated['insert_s']:.0f} s, FTS5 rows "
                f"{generated['index_s']:.0f} s)"
            )
        conn = open_db(db_path, create=False).conn
        started = time.perf_counter()
        if ranked := sync(conn, db_path):
            print(f"ranking index: {ranked:,} articles in {time.perf_counter() - started:.1f} s")
        total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        planted_rows = conn.execute("SELECT intent, article_id, position FROM bench_planted").fetchall()
        by_intent: dict[str, set[int]] = {}
        where: dict[str, list[int]] = {position: [] for position in POSITIONS}
        for intent, article_id, position in planted_rows:
            by_intent.setdefault(intent, set()).add(article_id)
            where[position].append(article_id)
        kinds = collections.Counter(INTENTS[q.intent].kind for q in QUERIES)
        print(
            f"{total:,} articles; {len(planted_rows)} planted answers for {len(INTENTS)} intents, archived at the "
            + ", ".join(f"{position} (ids {min(ids):,}-{max(ids):,})" for position, ids in where.items() if ids)
            + f"; {sum(len(i.distractors) for i in INTENTS.values())} distractors (archived last); "
            f"{len(QUERIES)} queries: "
            + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
            + f"; {sum(1 for q in QUERIES if q.filters)} with a filter, "
            f"{sum(1 for q in QUERIES if fold(q.text) == q.text.lower())} typed without diacritics"
        )
        rows = []
        for judged in QUERIES:
            planted = by_intent.get(judged.intent, set())
            grades = judge(conn, judged, planted)
            mine, my_times = timed(ours, conn, judged, args.repeat)
            theirs, their_times = timed(baseline, conn, judged, args.repeat)
            before = windowed(conn, judged)
            ranks = {article_id: mine.index(article_id) + 1 if article_id in mine else None for article_id in planted}
            base_ranks = [theirs.index(i) + 1 if i in theirs else None for i in planted]
            rows.append(
                {
                    "query": judged,
                    "matches": len(grades),
                    "relevant": sum(1 for grade in grades.values() if grade),
                    "ndcg": ndcg(mine, grades),
                    "base_ndcg": ndcg(theirs, grades),
                    "p20": precision(mine, grades),
                    "base_p20": precision(theirs, grades),
                    "ranks": sorted(rank or 99 for rank in ranks.values()),
                    "base_ranks": sorted(rank or 99 for rank in base_ranks),
                    "top5": all(rank is not None and rank <= 5 for rank in ranks.values()),
                    "old_ndcg": ndcg(before, grades),
                    "old_p20": precision(before, grades),
                    "old_top5": all(i in before[:5] for i in planted),
                    "base_top5": all(rank is not None and rank <= 5 for rank in base_ranks),
                    "times": my_times,
                    "base_times": their_times,
                }
            )
        conn.close()

    if args.per_query:
        print(f"{'query':<34}{'filter':<24}{'matches':>8}{'nDCG':>7}{'base':>7}{'P@20':>6}{'base':>6}  planted ranks")
        for row in rows:
            judged = row["query"]
            shown = ",".join(f"{k}={v}" for k, v in judged.filters.items())[:23]
            print(
                f"{judged.text:<34}{shown:<24}{row['matches']:>8,}{row['ndcg']:>7.3f}{row['base_ndcg']:>7.3f}"
                f"{row['p20']:>6.2f}{row['base_p20']:>6.2f}  {row['ranks']} (bm25 {row['base_ranks']})"
            )
    mine_times = [t for row in rows for t in row["times"]]
    base_times = [t for row in rows for t in row["base_times"]]
    summary = {
        "govscraper search": (
            statistics.mean(row["ndcg"] for row in rows),
            statistics.mean(row["p20"] for row in rows),
            sum(row["top5"] for row in rows),
            mine_times,
        ),
        "full bm25 (FTS5, every match)": (
            statistics.mean(row["base_ndcg"] for row in rows),
            statistics.mean(row["base_p20"] for row in rows),
            sum(row["base_top5"] for row in rows),
            base_times,
        ),
        f"before: bm25 of newest {OLD_WINDOW:,}": (
            statistics.mean(row["old_ndcg"] for row in rows),
            statistics.mean(row["old_p20"] for row in rows),
            sum(row["old_top5"] for row in rows),
            [],
        ),
    }
    print(f"{'':<32}{'nDCG@10':>9}{'P@20':>7}{'planted top 5':>15}{'p50 ms':>8}{'p95 ms':>8}")
    for label, (mean_ndcg, mean_p20, top5, times) in summary.items():
        timing = f"{statistics.median(times):>8.1f}{percentile(times, 0.95):>8.1f}" if times else ""
        print(f"{label:<32}{mean_ndcg:>9.3f}{mean_p20:>7.3f}{top5:>10}/{len(rows):<4}{timing}")
    missed = [row["query"].text for row in rows if not row["top5"]]
    verdict = []
    if missed:
        verdict.append("planted answers not all in the top 5 for: " + ", ".join(missed))
    if summary["govscraper search"][0] < summary["full bm25 (FTS5, every match)"][0]:
        verdict.append("nDCG@10 below the full-bm25 baseline")
    print("targets met" if not verdict else "MISSED: " + "; ".join(verdict))
    sys.exit(1 if verdict else 0)


if __name__ == "__main__":
    main()
