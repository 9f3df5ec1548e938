"""The words the replica portal is made of: a district portal of Mộ Đức, Quảng Ngãi, written by hand.

Articles are assembled from these templates by :mod:`govscraper_replica.site` with a seeded random generator,
so every size of site is reproducible. The text is meant to read like real district news (conferences,
decisions, nông thôn mới, giải phóng mặt bằng, COVID-19, harvests, elections...), in NFC with all diacritics,
with the typography portals really use: typographic quotes “…”, en dashes “–” and the closing "./.".
People and figures are invented; place names are Mộ Đức's communes.

Template slots (filled from one context per article, so a title and its body talk about the same commune):
``{xa}``/``{Xa}`` commune with its prefix ("xã Đức Tân", capitalised for a sentence start), ``{ten_xa}`` the
bare name, ``{xa_bien}`` a coastal commune, ``{thon}``/``{Thon}`` a hamlet, ``{cap_hoc}`` a school level,
``{ky_hop}`` "giữa năm"/"cuối năm", ``{nam}``/``{nam_truoc}``/``{nam_sau}``
years, ``{ngay}`` "12/3", ``{buoi}``/``{buoi_thuong}`` "Sáng"/"sáng", ``{nguoi1}``/``{Nguoi1}`` "đồng chí <name>
– <office>", ``{nguoi1_ngan}`` the same for captions, ``{nong_dan}`` a farmer's name, ``{so1}`` 2–9,
``{so2}`` 10–60, ``{so3}`` 100–900, ``{so4}`` 1.000–9.000, ``{pt1}`` a percentage, ``{ty1}`` billions of đồng,
``{tr1}``/``{tr2}`` millions, ``{ha1}`` hectares, ``{km1}`` kilometres, ``{chi_tieu}`` "17/19", ``{quy}`` quarter,
``{linh_vuc}``, ``{du_an}``, ``{cay}``, ``{vu}``, ``{nhiem_ky}``, ``{so_ky}``, ``{lan}``, ``{noi_dung_gs}``,
``{su_kien}``, ``{tet}``, ``{so_nam_tbls}``, ``{noi_dung}``, ``{van_ban}``/``{Van_ban}`` (the document the
article announces and attaches).
"""

from __future__ import annotations

from dataclasses import dataclass

PORTAL_NAME = "Cổng thông tin điện tử huyện Mộ Đức"
DISTRICT = "huyện Mộ Đức"
PROVINCE = "tỉnh Quảng Ngãi"
FOOTER_OWNER = "Ủy ban nhân dân huyện Mộ Đức"
FOOTER_ADDRESS = "Địa chỉ: thị trấn Mộ Đức, huyện Mộ Đức, tỉnh Quảng Ngãi"
FOOTER_RESPONSIBLE = "Chịu trách nhiệm chính: Chánh Văn phòng HĐND và UBND huyện Mộ Đức"

#: (slug, Vietnamese name, share of the articles). The last one is small on purpose: at the default size it
#: fits on one page, so the replica also shows a list without a pager, like the single-item fixture.
CATEGORIES: tuple[tuple[str, str, float], ...] = (
    ("tin-tuc-su-kien", "Tin tức - Sự kiện", 0.40),
    ("kinh-te-xa-hoi", "Kinh tế - Xã hội", 0.32),
    ("van-hoa-xa-hoi", "Văn hóa - Xã hội", 0.18),
    ("chi-dao-dieu-hanh", "Chỉ đạo - Điều hành", 0.10),
)

#: (with prefix, bare name, coastal). The 12 communes and the town of the district before the 2025 reform.
COMMUNES: tuple[tuple[str, str, bool], ...] = (
    ("xã Đức Tân", "Đức Tân", False),
    ("xã Đức Nhuận", "Đức Nhuận", False),
    ("xã Đức Lợi", "Đức Lợi", True),
    ("xã Đức Thạnh", "Đức Thạnh", False),
    ("xã Đức Minh", "Đức Minh", True),
    ("xã Đức Chánh", "Đức Chánh", True),
    ("xã Đức Hiệp", "Đức Hiệp", False),
    ("xã Đức Hòa", "Đức Hòa", False),
    ("xã Đức Phú", "Đức Phú", False),
    ("xã Đức Phong", "Đức Phong", True),
    ("xã Đức Lân", "Đức Lân", False),
    ("xã Đức Thắng", "Đức Thắng", True),
    ("thị trấn Mộ Đức", "Mộ Đức", False),
)

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Trương", "Phan", "Đinh")
MIDDLE_MALE = ("Văn", "Ngọc", "Minh", "Quang", "Tấn", "Đình", "Thanh", "Hữu", "Công", "Đức")
MIDDLE_FEMALE = ("Thị", "Thị Thu", "Thị Kim", "Thị Mỹ", "Ngọc", "Thị Hồng")
GIVEN_MALE = ("Hùng", "Dũng", "Sơn", "Vinh", "Phước", "Tâm", "Hải", "Trung", "Lộc", "Bình", "Khánh", "Nghĩa")
GIVEN_FEMALE = ("Hoa", "Hà", "Lan", "Hương", "Trang", "Mai", "Nhung", "Thủy", "Hạnh", "Linh")

OFFICES = (
    "Chủ tịch UBND huyện",
    "Phó Chủ tịch UBND huyện",
    "Phó Chủ tịch Thường trực UBND huyện",
    "Bí thư Huyện ủy",
    "Phó Bí thư Thường trực Huyện ủy",
    "Chủ tịch HĐND huyện",
    "Phó Chủ tịch HĐND huyện",
    "Chủ tịch Ủy ban MTTQ Việt Nam huyện",
    "Ủy viên Ban Thường vụ Huyện ủy, Trưởng Ban Dân vận Huyện ủy",
    "Trưởng phòng Nông nghiệp và Phát triển nông thôn huyện",
)

#: Bylines: the reporter's name alone on the last line of an article, as on quangngai.gov.vn district pages.
AUTHORS = (
    "Văn Trọng",
    "Văn Trọng",
    "Minh Hiếu",
    "Thanh Nhàn",
    "Ngọc Ánh",
    "Hồng Nhung",
    "Quốc Việt",
    "Bảo Trân",
    "Công Lý",
    "Thu Hằng",
)

LINH_VUC = (
    "cải cách hành chính",
    "dân vận chính quyền",
    "quốc phòng – an ninh",
    "tư pháp",
    "phòng, chống thiên tai và tìm kiếm cứu nạn",
    "thi đua, khen thưởng",
    "giảm nghèo bền vững",
    "bảo đảm trật tự an toàn giao thông",
    "chuyển đổi số",
    "phổ biến, giáo dục pháp luật",
    "tiếp công dân, giải quyết khiếu nại, tố cáo",
    "phòng cháy, chữa cháy",
)

DU_AN = (
    "đường cao tốc Quảng Ngãi – Hoài Nhơn",
    "đường ven biển Dung Quất – Sa Huỳnh",
    "kè chống sạt lở bờ sông Vệ",
    "khu dân cư phía Đông thị trấn Mộ Đức",
    "mở rộng Cụm công nghiệp Thạch Trụ",
    "nâng cấp tuyến đường trục chính huyện Mộ Đức",
    "hệ thống kênh mương nội đồng thuộc hệ thống thủy lợi Thạch Nham",
)

CAY_TRONG = ("dưa hấu", "ớt", "bắp lai", "hành lá", "rau màu các loại", "đậu phộng", "kiệu", "dưa leo")

NOI_DUNG_GIAM_SAT = (
    "việc giải quyết kiến nghị của cử tri",
    "công tác quản lý nhà nước về đất đai",
    "việc thực hiện chính sách bảo hiểm y tế cho người dân",
    "tiến độ giải ngân vốn đầu tư công",
    "công tác quản lý, khai thác chợ nông thôn",
    "việc thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững",
)

SU_KIEN = (
    "Ngày Quốc khánh 2/9",
    "Ngày Thành lập Đảng Cộng sản Việt Nam 3/2",
    "Ngày Giải phóng miền Nam, thống nhất đất nước 30/4",
    "Ngày Phụ nữ Việt Nam 20/10",
    "Ngày Nhà giáo Việt Nam 20/11",
    "Ngày hội Đại đoàn kết toàn dân tộc 18/11",
)

NOI_DUNG_CHI_DAO = (
    "công tác phòng cháy, chữa cháy trong mùa khô",
    "công tác quản lý trật tự xây dựng",
    "công tác phòng, chống dịch bệnh trên đàn gia súc, gia cầm",
    "công tác bảo vệ và phát triển rừng",
    "công tác cải cách thủ tục hành chính",
    "công tác bảo đảm an toàn thực phẩm",
    "kỷ luật, kỷ cương hành chính trong cơ quan nhà nước",
    "công tác quản lý tài nguyên khoáng sản",
    "công tác phòng, chống tác hại của thuốc lá",
    "phong trào “Toàn dân bảo vệ an ninh Tổ quốc”",
)

ROMAN = ("IV", "V", "VI", "VII", "VIII", "IX", "X")

#: Lunar-year names for "Tết Nguyên đán".
CAN_CHI = {
    2019: "Kỷ Hợi",
    2020: "Canh Tý",
    2021: "Tân Sửu",
    2022: "Nhâm Dần",
    2023: "Quý Mão",
    2024: "Giáp Thìn",
    2025: "Ất Tỵ",
    2026: "Bính Ngọ",
}

#: Kinds of official documents: key → (name in link text, number suffix, file-name prefix).
DOCUMENT_KINDS: dict[str, tuple[str, str, str]] = {
    "KH": ("Kế hoạch", "KH-UBND", "KH"),
    "QD": ("Quyết định", "QĐ-UBND", "QD"),
    "CT": ("Chỉ thị", "CT-UBND", "CT"),
    "TB": ("Thông báo", "TB-UBND", "TB"),
    "CV": ("Công văn", "UBND-VP", "CV"),
    "BC": ("Báo cáo", "BC-UBND", "BC"),
}


@dataclass(frozen=True)
class Headline:
    """A title template with the lead (sapo) written for it; ``years`` limits when the story makes sense."""

    title: str
    sapo: str
    years: tuple[int, int] = (2019, 2025)
    #: Kind of document (:data:`DOCUMENT_KINDS`) the article announces and attaches, if any.
    document: str | None = None


@dataclass(frozen=True)
class Topic:
    """One kind of story: its headlines, the paragraphs its body is drawn from and its photo captions."""

    key: str
    category: str
    headlines: tuple[Headline, ...]
    openers: tuple[str, ...]
    middles: tuple[str, ...]
    closings: tuple[str, ...]
    captions: tuple[str, ...]
    years: tuple[int, int] = (2019, 2025)
    #: Months of the year the story runs in (the 2021 election stories run from March to May).
    months: tuple[int, int] = (1, 12)
    weight: int = 1


TOPICS: tuple[Topic, ...] = (
    Topic(
        key="hoi-nghi",
        category="tin-tuc-su-kien",
        weight=3,
        headlines=(
            Headline(
                "Hội nghị tổng kết công tác {linh_vuc} năm {nam_truoc}",
                "{buoi} ngày {ngay}, UBND huyện Mộ Đức tổ chức hội nghị tổng kết công tác {linh_vuc} năm "
                "{nam_truoc}, triển khai phương hướng, nhiệm vụ năm {nam}. {Nguoi1} chủ trì hội nghị.",
            ),
            Headline(
                "Huyện Mộ Đức triển khai nhiệm vụ {linh_vuc} năm {nam}",
                "Nhằm thực hiện thắng lợi các chỉ tiêu năm {nam}, {buoi_thuong} ngày {ngay}, UBND huyện Mộ Đức "
                "tổ chức hội nghị triển khai nhiệm vụ {linh_vuc} cho lãnh đạo các phòng, ban và UBND các xã, "
                "thị trấn.",
            ),
            Headline(
                "Sơ kết công tác {linh_vuc} 6 tháng đầu năm {nam}",
                "{buoi} ngày {ngay}, UBND huyện tổ chức hội nghị sơ kết công tác {linh_vuc} 6 tháng đầu năm "
                "{nam}, đề ra nhiệm vụ, giải pháp trọng tâm 6 tháng cuối năm.",
            ),
            Headline(
                "{Xa} tổng kết công tác {linh_vuc} năm {nam_truoc}",
                "{buoi} ngày {ngay}, UBND {xa} tổ chức hội nghị tổng kết công tác {linh_vuc} năm {nam_truoc}. "
                "Đến dự có {nguoi1}.",
            ),
            Headline(
                "{Xa} triển khai nhiệm vụ {linh_vuc} năm {nam}",
                "{buoi} ngày {ngay}, UBND {xa} tổ chức hội nghị triển khai nhiệm vụ {linh_vuc} năm {nam} cho cán "
                "bộ, công chức và các tổ chức chính trị – xã hội ở cơ sở.",
            ),
            Headline(
                "Kiểm tra công tác {linh_vuc} tại {xa} năm {nam}",
                "Ngày {ngay}, Đoàn kiểm tra của UBND huyện Mộ Đức do {nguoi1} làm trưởng đoàn đã kiểm tra công "
                "tác {linh_vuc} năm {nam} tại {xa}.",
            ),
            Headline(
                "Giao ban công tác {linh_vuc} quý {quy} năm {nam}",
                "Ngày {ngay}, UBND huyện Mộ Đức tổ chức họp giao ban đánh giá kết quả công tác {linh_vuc} quý "
                "{quy} năm {nam} và bàn giải pháp thực hiện nhiệm vụ thời gian tới.",
            ),
        ),
        openers=(
            "Theo báo cáo tại hội nghị, năm qua công tác {linh_vuc} trên địa bàn huyện được triển khai đồng bộ, "
            "có nhiều chuyển biến tích cực. Các cơ quan, đơn vị đã bám sát chỉ đạo của cấp trên, cụ thể hóa "
            "bằng các kế hoạch sát với thực tế địa phương.",
            "Báo cáo tại hội nghị cho biết, thời gian qua các phòng, ban chuyên môn và UBND các xã, thị trấn "
            "đã tập trung thực hiện tốt công tác {linh_vuc}, hoàn thành {chi_tieu} chỉ tiêu đề ra.",
            "Đánh giá chung cho thấy, công tác {linh_vuc} trên địa bàn huyện Mộ Đức đã đạt được nhiều kết quả "
            "quan trọng; sự phối hợp giữa các cơ quan, đơn vị ngày càng chặt chẽ, hiệu quả.",
        ),
        middles=(
            "Bên cạnh những kết quả đạt được, công tác {linh_vuc} vẫn còn một số hạn chế như: việc triển khai "
            "ở một số địa phương còn chậm, công tác tuyên truyền chưa thường xuyên; cơ sở vật chất, trang "
            "thiết bị phục vụ nhiệm vụ còn thiếu.",
            "Tại hội nghị, các đại biểu đã tập trung thảo luận, chia sẻ kinh nghiệm, chỉ ra nguyên nhân của "
            "những tồn tại, hạn chế và đề xuất nhiều giải pháp thiết thực để nâng cao hiệu quả công tác trong "
            "thời gian tới.",
            "Trong năm, toàn huyện đã tổ chức {so2} đợt tuyên truyền với hơn {so4} lượt người tham gia; kiểm "
            "tra {so1} cơ quan, đơn vị và kịp thời chấn chỉnh những thiếu sót phát hiện qua kiểm tra.",
            "Phát biểu chỉ đạo hội nghị, {nguoi1} ghi nhận, biểu dương những kết quả mà các cơ quan, đơn vị "
            "đạt được; đồng thời đề nghị các địa phương tiếp tục nâng cao vai trò, trách nhiệm của người đứng "
            "đầu, tăng cường kiểm tra, giám sát việc thực hiện nhiệm vụ.",
        ),
        closings=(
            "Dịp này, UBND huyện đã tặng Giấy khen cho {so1} tập thể và {so2} cá nhân có thành tích xuất sắc "
            "trong công tác {linh_vuc} năm {nam_truoc}./.",
            "Hội nghị cũng đã thống nhất các chỉ tiêu, nhiệm vụ trọng tâm năm {nam}, trong đó chú trọng đẩy "
            "mạnh cải cách hành chính, ứng dụng công nghệ thông tin và nâng cao chất lượng phục vụ Nhân dân./.",
        ),
        captions=(
            "Quang cảnh hội nghị",
            "{nguoi1_ngan} phát biểu chỉ đạo hội nghị",
            "Lãnh đạo huyện trao Giấy khen cho các tập thể có thành tích xuất sắc",
            "Các đại biểu dự hội nghị",
        ),
    ),
    Topic(
        key="hdnd",
        category="tin-tuc-su-kien",
        headlines=(
            Headline(
                "Kỳ họp thứ {so_ky} HĐND huyện Mộ Đức nhiệm kỳ {nhiem_ky}",
                "{buoi} ngày {ngay}, HĐND huyện Mộ Đức nhiệm kỳ {nhiem_ky} khai mạc kỳ họp thứ {so_ky} để xem "
                "xét, thảo luận và quyết định nhiều nội dung quan trọng về phát triển kinh tế – xã hội của huyện.",
            ),
            Headline(
                "Thường trực HĐND huyện giám sát {noi_dung_gs} tại {xa} năm {nam}",
                "Ngày {ngay}, Đoàn giám sát của Thường trực HĐND huyện Mộ Đức do {nguoi1} làm trưởng đoàn đã "
                "làm việc với UBND {xa} về {noi_dung_gs}.",
            ),
            Headline(
                "Đại biểu HĐND huyện tiếp xúc cử tri {xa} trước kỳ họp {ky_hop} năm {nam}",
                "Ngày {ngay}, Tổ đại biểu HĐND huyện Mộ Đức đơn vị bầu cử số {so1} đã tiếp xúc cử tri {xa} để "
                "thông báo dự kiến nội dung kỳ họp {ky_hop} năm {nam} và lắng nghe ý kiến, kiến nghị của cử tri.",
            ),
        ),
        openers=(
            "Theo báo cáo của UBND huyện, năm {nam} tổng thu ngân sách trên địa bàn ước đạt {ty1} tỷ đồng, "
            "bằng {pt1} dự toán; giá trị sản xuất các ngành kinh tế tiếp tục tăng trưởng khá.",
            "Tại buổi làm việc, cử tri đã phản ánh nhiều ý kiến, kiến nghị liên quan đến đầu tư xây dựng kết "
            "cấu hạ tầng nông thôn, chế độ chính sách đối với người có công, công tác quản lý đất đai và bảo "
            "vệ môi trường.",
        ),
        middles=(
            "Các đại biểu đã tập trung thảo luận, chất vấn những vấn đề được cử tri quan tâm như: tiến độ thi "
            "công các công trình trọng điểm, công tác giải phóng mặt bằng, việc cấp giấy chứng nhận quyền sử "
            "dụng đất và xử lý ô nhiễm môi trường.",
            "Thay mặt Tổ đại biểu, {nguoi1} đã tiếp thu, giải trình làm rõ nhiều ý kiến thuộc thẩm quyền; đối "
            "với các kiến nghị vượt thẩm quyền, Tổ đại biểu sẽ tổng hợp, chuyển đến cơ quan có thẩm quyền xem "
            "xét, giải quyết.",
            "Đoàn giám sát đánh giá cao sự chủ động của địa phương trong việc triển khai nhiệm vụ; đồng thời "
            "đề nghị UBND {xa} khắc phục những tồn tại, hạn chế và báo cáo kết quả về Thường trực HĐND huyện.",
        ),
        closings=(
            "Kỳ họp đã biểu quyết thông qua {so1} nghị quyết quan trọng, làm cơ sở để UBND huyện tổ chức thực "
            "hiện trong thời gian tới./.",
            "Kết thúc buổi làm việc, Đoàn giám sát sẽ tổng hợp kết quả, báo cáo Thường trực HĐND huyện theo "
            "quy định./.",
        ),
        captions=(
            "Quang cảnh kỳ họp",
            "Cử tri {xa} phát biểu ý kiến",
            "Đoàn giám sát làm việc tại {xa}",
        ),
    ),
    Topic(
        key="bau-cu",
        category="tin-tuc-su-kien",
        years=(2021, 2021),
        months=(3, 5),
        weight=2,
        headlines=(
            Headline(
                "{Xa} sẵn sàng cho ngày bầu cử 23/5",
                "Đến thời điểm này, công tác chuẩn bị cho cuộc bầu cử đại biểu Quốc hội khóa XV và đại biểu "
                "HĐND các cấp nhiệm kỳ 2021 – 2026 tại {xa} đã cơ bản hoàn tất.",
            ),
            Headline(
                "Kiểm tra công tác chuẩn bị bầu cử tại {xa}",
                "Ngày {ngay}, Ủy ban bầu cử huyện Mộ Đức do {nguoi1} làm trưởng đoàn đã kiểm tra công tác "
                "chuẩn bị bầu cử tại {xa}.",
            ),
            Headline(
                "Cử tri {xa} nô nức đi bầu cử",
                "Từ sáng sớm ngày 23/5/2021, cử tri {xa} đã có mặt tại các khu vực bỏ phiếu để thực hiện quyền "
                "và nghĩa vụ công dân, bầu ra những đại biểu xứng đáng đại diện cho ý chí, nguyện vọng của "
                "Nhân dân.",
            ),
        ),
        openers=(
            "Theo Ủy ban bầu cử {xa}, toàn địa bàn có {so4} cử tri được chia thành {so1} khu vực bỏ phiếu. "
            "Danh sách cử tri đã được niêm yết công khai đúng quy định tại trụ sở UBND và các nhà văn hóa thôn.",
        ),
        middles=(
            "Công tác tuyên truyền về cuộc bầu cử được đẩy mạnh bằng nhiều hình thức như: hệ thống truyền "
            "thanh cơ sở, pa-nô, áp phích, băng rôn, khẩu hiệu, giúp cử tri nắm rõ quyền và nghĩa vụ của mình.",
            "Các tổ bầu cử đã chuẩn bị chu đáo hòm phiếu, phiếu bầu, con dấu và các tài liệu cần thiết; đồng "
            "thời xây dựng phương án bảo đảm an ninh trật tự, phòng, chống dịch COVID-19 tại các khu vực bỏ "
            "phiếu.",
            "Với khẩu hiệu “Mỗi lá phiếu – một tấm lòng vì đất nước”, các đoàn thể đã vận động hội viên, đoàn "
            "viên tham gia bầu cử đầy đủ, đúng giờ.",
        ),
        closings=(
            "Ủy ban bầu cử huyện yêu cầu các tổ bầu cử tiếp tục rà soát, hoàn thiện các điều kiện cần thiết, "
            "bảo đảm ngày bầu cử thực sự là ngày hội của toàn dân./.",
        ),
        captions=(
            "Cử tri {xa} bỏ phiếu bầu cử",
            "Đoàn kiểm tra làm việc tại khu vực bỏ phiếu số {so1}",
        ),
    ),
    Topic(
        key="covid",
        category="tin-tuc-su-kien",
        years=(2020, 2022),
        weight=3,
        headlines=(
            Headline(
                "{Xa} tăng cường các biện pháp phòng, chống dịch COVID-19 năm {nam}",
                "Trước diễn biến phức tạp của dịch COVID-19, {xa} đã triển khai quyết liệt nhiều biện pháp "
                "phòng, chống dịch, không để dịch bệnh lây lan trong cộng đồng.",
            ),
            Headline(
                "Mộ Đức tiêm vắc xin phòng COVID-19 đợt {so1} năm {nam}",
                "Ngày {ngay}, Trung tâm Y tế huyện Mộ Đức phối hợp với UBND các xã, thị trấn tổ chức tiêm vắc "
                "xin phòng COVID-19 đợt {so1} cho {so4} người dân trên địa bàn.",
                years=(2021, 2022),
            ),
            Headline(
                "Kiểm tra công tác phòng, chống dịch COVID-19 tại {thon}, {xa}",
                "Ngày {ngay}, Đoàn kiểm tra của Ban Chỉ đạo phòng, chống dịch COVID-19 huyện Mộ Đức do "
                "{nguoi1} làm trưởng đoàn đã kiểm tra công tác phòng, chống dịch tại {xa}.",
            ),
            Headline(
                "Thành lập chốt kiểm soát dịch COVID-19 tại {thon}, {xa}",
                "Để kiểm soát chặt chẽ người và phương tiện ra vào địa bàn, {xa} đã thành lập chốt kiểm soát "
                "dịch COVID-19, bố trí lực lượng trực 24/24 giờ.",
                years=(2020, 2021),
            ),
            Headline(
                "{Xa} hỗ trợ {so3} lao động gặp khó khăn do đại dịch COVID-19",
                "Thực hiện Nghị quyết số 68/NQ-CP của Chính phủ, đến nay {xa} đã chi trả hỗ trợ cho {so3} lao "
                "động và hộ kinh doanh gặp khó khăn do đại dịch COVID-19 với tổng kinh phí hơn {ty1} tỷ đồng.",
                years=(2021, 2022),
            ),
        ),
        openers=(
            "Theo Ban Chỉ đạo phòng, chống dịch COVID-19 {xa}, địa phương đã thành lập {so1} tổ COVID cộng "
            "đồng tại các thôn, thường xuyên rà soát, quản lý chặt chẽ người từ vùng dịch trở về địa phương.",
            "Thực hiện chỉ đạo của UBND tỉnh Quảng Ngãi, huyện Mộ Đức đã kích hoạt các phương án phòng, chống "
            "dịch theo phương châm “bốn tại chỗ”, sẵn sàng ứng phó với mọi tình huống.",
        ),
        middles=(
            "Lực lượng chức năng đã tổ chức xét nghiệm nhanh kháng nguyên cho {so3} trường hợp, tất cả đều có "
            "kết quả âm tính. Các trường hợp tiếp xúc gần được cách ly y tế tại nhà và theo dõi sức khỏe theo "
            "đúng quy định.",
            "Công tác tuyên truyền được đẩy mạnh qua hệ thống loa truyền thanh, xe lưu động và mạng xã hội, "
            "giúp người dân nâng cao ý thức thực hiện Thông điệp 5K của Bộ Y tế.",
            "Các cơ sở sản xuất, kinh doanh, chợ và trường học trên địa bàn đều xây dựng phương án phòng, "
            "chống dịch; bố trí khu vực rửa tay, sát khuẩn và yêu cầu người ra vào đeo khẩu trang.",
        ),
        closings=(
            "{Nguoi1} đề nghị các địa phương tuyệt đối không chủ quan, lơ là, tiếp tục thực hiện nghiêm các "
            "biện pháp phòng, chống dịch theo chỉ đạo của cấp trên./.",
            "Hiện nay, tình hình dịch bệnh trên địa bàn huyện cơ bản được kiểm soát, đời sống và hoạt động sản "
            "xuất của người dân dần trở lại bình thường./.",
        ),
        captions=(
            "Lực lượng chức năng kiểm tra y tế tại chốt kiểm soát",
            "Nhân viên y tế tiêm vắc xin phòng COVID-19 cho người dân",
            "Đoàn kiểm tra làm việc tại {xa}",
        ),
    ),
    Topic(
        key="quoc-phong",
        category="tin-tuc-su-kien",
        headlines=(
            Headline(
                "Lễ giao nhận quân năm {nam}",
                "Sáng ngày {ngay}, Hội đồng Nghĩa vụ quân sự huyện Mộ Đức tổ chức Lễ giao nhận quân năm {nam}. "
                "Có {so3} thanh niên ưu tú của huyện lên đường nhập ngũ.",
            ),
            Headline(
                "{Xa} gặp mặt, tặng quà thanh niên lên đường nhập ngũ năm {nam}",
                "{buoi} ngày {ngay}, Hội đồng Nghĩa vụ quân sự {xa} tổ chức gặp mặt, tặng quà {so2} thanh niên "
                "trúng tuyển nghĩa vụ quân sự và thực hiện nghĩa vụ tham gia Công an nhân dân năm {nam}.",
            ),
            Headline(
                "{Xa} diễn tập chiến đấu phòng thủ năm {nam}",
                "Ngày {ngay}, {xa} tổ chức diễn tập chiến đấu phòng thủ năm {nam}, nhằm nâng cao năng lực lãnh "
                "đạo, chỉ đạo của cấp ủy, chính quyền trong xử lý các tình huống quốc phòng – an ninh.",
            ),
            Headline(
                "Ra quân huấn luyện dân quân tự vệ năm {nam} tại {xa}",
                "{buoi} ngày {ngay}, Ban Chỉ huy Quân sự {xa} tổ chức lễ ra quân huấn luyện dân quân tự vệ năm "
                "{nam} cho {so2} cán bộ, chiến sĩ.",
            ),
            Headline(
                "Hội thao quốc phòng {xa} năm {nam}",
                "Nhằm đánh giá kết quả huấn luyện, Ban Chỉ huy Quân sự {xa} tổ chức Hội thao quốc phòng năm {nam} "
                "với sự tham gia của {so2} cán bộ, chiến sĩ dân quân.",
            ),
        ),
        openers=(
            "Theo Ban Chỉ huy Quân sự huyện, công tác chuẩn bị được triển khai chu đáo, đúng quy trình, bảo đảm "
            "chặt chẽ, an toàn và tiết kiệm.",
            "Thời gian qua, công tác quốc phòng địa phương ở {xa} được cấp ủy, chính quyền quan tâm lãnh đạo; "
            "lực lượng dân quân được xây dựng vững mạnh, rộng khắp.",
        ),
        middles=(
            "Các tân binh đều có sức khỏe tốt, trình độ văn hóa khá; nhiều thanh niên tình nguyện lên đường "
            "nhập ngũ, thể hiện tinh thần trách nhiệm với quê hương, đất nước.",
            "Nội dung huấn luyện tập trung vào giáo dục chính trị, điều lệnh, kỹ thuật, chiến thuật bộ binh và "
            "các phương án phòng, chống thiên tai, cứu hộ, cứu nạn ở địa phương.",
            "Qua các nội dung thi đấu, cán bộ, chiến sĩ đã thể hiện bản lĩnh, sự thuần thục về kỹ năng, động "
            "tác, đáp ứng yêu cầu nhiệm vụ trong tình hình mới.",
        ),
        closings=(
            "Dịp này, lãnh đạo huyện đã tặng quà động viên các tân binh và gia đình có con em lên đường làm "
            "nghĩa vụ quân sự./.",
            "Kết thúc đợt huấn luyện, Ban Chỉ huy Quân sự huyện sẽ tổ chức kiểm tra, đánh giá kết quả và khen "
            "thưởng các đơn vị, cá nhân có thành tích xuất sắc./.",
        ),
        captions=(
            "Lãnh đạo huyện tặng hoa động viên tân binh",
            "Lực lượng dân quân {xa} huấn luyện",
            "Quang cảnh buổi diễn tập",
        ),
    ),
    Topic(
        key="thien-tai",
        category="tin-tuc-su-kien",
        headlines=(
            Headline(
                "Mộ Đức chủ động ứng phó với bão số {so1} năm {nam}",
                "Trước diễn biến phức tạp của bão số {so1}, Ban Chỉ huy Phòng, chống thiên tai và Tìm kiếm cứu "
                "nạn huyện Mộ Đức đã chỉ đạo các xã, thị trấn triển khai khẩn trương các phương án ứng phó, bảo "
                "đảm an toàn tính mạng và tài sản của Nhân dân.",
            ),
            Headline(
                "Khắc phục hậu quả mưa lũ tại {xa} năm {nam}",
                "Ngay sau khi nước lũ rút, chính quyền và Nhân dân {xa} đã khẩn trương ra quân dọn dẹp vệ sinh "
                "môi trường, khắc phục hậu quả do mưa lũ gây ra, sớm ổn định đời sống và sản xuất.",
            ),
            Headline(
                "{Xa} diễn tập phòng, chống thiên tai và tìm kiếm cứu nạn năm {nam}",
                "Ngày {ngay}, {xa} tổ chức diễn tập phòng, chống thiên tai và tìm kiếm cứu nạn năm {nam} với tình "
                "huống giả định ứng phó mưa lớn, lũ quét và sạt lở đất.",
            ),
            Headline(
                "Kiểm tra công tác phòng, chống thiên tai tại {xa_bien} năm {nam}",
                "Ngày {ngay}, Đoàn kiểm tra của huyện Mộ Đức do {nguoi1} làm trưởng đoàn đã kiểm tra công tác "
                "chuẩn bị phòng, chống thiên tai tại {xa_bien}.",
            ),
            Headline(
                "Gia cố {so1} điểm đê, kè xung yếu trước mùa mưa bão tại {xa}",
                "Để chủ động ứng phó với mùa mưa bão năm {nam}, {xa} đã huy động lực lượng, vật tư gia cố {so1} "
                "điểm đê, kè xung yếu dọc sông Vệ.",
            ),
        ),
        openers=(
            "Thực hiện phương châm “bốn tại chỗ”, các xã ven biển đã kêu gọi tàu thuyền vào nơi tránh trú an "
            "toàn, đồng thời chuẩn bị phương án sơ tán {so3} hộ dân ở vùng trũng thấp.",
            "Theo Ban Chỉ huy Phòng, chống thiên tai và Tìm kiếm cứu nạn huyện, năm {nam} địa phương đã xây "
            "dựng phương án ứng phó với từng cấp độ rủi ro thiên tai, phân công lực lượng xung kích đến từng thôn.",
        ),
        middles=(
            "Lực lượng dân quân, công an xã và đoàn viên thanh niên đã giúp người dân chằng chống nhà cửa, thu "
            "hoạch hoa màu; kiểm tra các điểm xung yếu trên tuyến đê, kè dọc sông Vệ.",
            "Thống kê ban đầu, mưa lũ làm {so2} ngôi nhà bị tốc mái, hơn {ha1} ha hoa màu bị ngập úng; nhiều "
            "tuyến đường giao thông nông thôn bị sạt lở, ước thiệt hại khoảng {ty1} tỷ đồng.",
            "Các đơn vị đã chuẩn bị đầy đủ phương tiện, vật tư, lương thực, thuốc men; bố trí lực lượng trực "
            "24/24 giờ tại các điểm xung yếu.",
        ),
        closings=(
            "UBND huyện yêu cầu các địa phương không được chủ quan, tiếp tục theo dõi chặt chẽ diễn biến thời "
            "tiết và báo cáo kịp thời về Ban Chỉ huy huyện./.",
            "Hiện nay, đời sống và sản xuất của Nhân dân trong vùng bị ảnh hưởng đã dần ổn định trở lại./.",
        ),
        captions=(
            "Lực lượng chức năng giúp người dân khắc phục hậu quả mưa lũ",
            "Gia cố đê, kè xung yếu tại {xa}",
            "Quang cảnh buổi diễn tập",
        ),
    ),
    Topic(
        key="nong-thon-moi",
        category="kinh-te-xa-hoi",
        weight=3,
        headlines=(
            Headline(
                "{Xa} đạt chuẩn nông thôn mới nâng cao năm {nam}",
                "Ngày {ngay}, UBND tỉnh Quảng Ngãi đã ban hành quyết định công nhận {xa}, huyện Mộ Đức đạt "
                "chuẩn nông thôn mới nâng cao năm {nam}.",
            ),
            Headline(
                "Thẩm định kết quả xây dựng nông thôn mới năm {nam} tại {xa}",
                "{buoi} ngày {ngay}, Đoàn thẩm định của huyện Mộ Đức do {nguoi1} làm trưởng đoàn đã thẩm định "
                "kết quả thực hiện các tiêu chí nông thôn mới năm {nam} tại {xa}.",
            ),
            Headline(
                "{Xa} huy động {ty1} tỷ đồng xây dựng nông thôn mới kiểu mẫu",
                "Với phương châm “Nhà nước và Nhân dân cùng làm”, thời gian qua {xa} đã huy động hơn {ty1} tỷ "
                "đồng để đầu tư xây dựng kết cấu hạ tầng nông thôn, chỉnh trang khu dân cư.",
            ),
            Headline(
                "Mộ Đức đẩy mạnh xây dựng khu dân cư nông thôn mới kiểu mẫu năm {nam}",
                "Năm {nam}, huyện Mộ Đức phấn đấu có thêm {so1} khu dân cư đạt chuẩn nông thôn mới kiểu mẫu, "
                "góp phần nâng cao chất lượng cuộc sống của người dân.",
            ),
            Headline(
                "{Thon}, {xa} đạt chuẩn khu dân cư nông thôn mới kiểu mẫu năm {nam}",
                "UBND huyện Mộ Đức vừa ban hành quyết định công nhận {thon}, {xa} đạt chuẩn khu dân cư nông thôn "
                "mới kiểu mẫu năm {nam}.",
            ),
            Headline(
                "Ra quân tổng vệ sinh môi trường tại {thon}, {xa} năm {nam}",
                "Hưởng ứng phong trào “Ngày Chủ nhật xanh”, ngày {ngay}, Nhân dân {thon}, {xa} đã ra quân tổng vệ "
                "sinh môi trường, phát quang bụi rậm, trồng hoa dọc các tuyến đường.",
            ),
            Headline(
                "Bê tông hóa giao thông nông thôn tại {xa} năm {nam}",
                "Năm {nam}, {xa} đã hoàn thành bê tông hóa {km1} km đường giao thông nông thôn, góp phần thay "
                "đổi diện mạo nông thôn và tạo thuận lợi cho người dân đi lại, sản xuất.",
            ),
        ),
        openers=(
            "Theo báo cáo, đến nay {xa} đã đạt {chi_tieu} tiêu chí; các tiêu chí còn lại đang được địa phương "
            "tập trung hoàn thiện hồ sơ, minh chứng theo quy định.",
            "Xác định xây dựng nông thôn mới là nhiệm vụ trọng tâm, thường xuyên, cấp ủy, chính quyền {xa} đã "
            "ban hành nghị quyết chuyên đề, phân công cán bộ phụ trách từng tiêu chí.",
        ),
        middles=(
            "Nhân dân trong xã đã tự nguyện hiến hơn {so4} m² đất, đóng góp hàng nghìn ngày công để mở rộng "
            "đường giao thông, xây dựng hệ thống điện chiếu sáng và trồng hàng rào xanh.",
            "Thu nhập bình quân đầu người của xã năm {nam} ước đạt {tr1} triệu đồng/người/năm; tỷ lệ hộ nghèo "
            "giảm còn {pt_ngheo}.",
            "Cuộc vận động “Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh” được các tầng lớp Nhân "
            "dân hưởng ứng tích cực, tạo sức lan tỏa trong cộng đồng.",
            "Nhiều tuyến đường thôn, xóm được trồng hoa, lắp đặt đèn chiếu sáng; các nhà văn hóa thôn được "
            "nâng cấp, trở thành nơi sinh hoạt cộng đồng của người dân.",
        ),
        closings=(
            "Đoàn thẩm định đề nghị địa phương tiếp tục duy trì, nâng chất các tiêu chí đã đạt, nhất là tiêu "
            "chí về môi trường, an ninh trật tự và thu nhập của người dân./.",
            "Thời gian tới, {xa} tiếp tục huy động các nguồn lực để nâng chất các tiêu chí, xây dựng nông thôn "
            "mới ngày càng bền vững./.",
        ),
        captions=(
            "Tuyến đường bê tông nông thôn tại {thon}, {xa}",
            "Đoàn thẩm định kiểm tra thực tế tại {xa}",
            "Diện mạo nông thôn mới {xa} hôm nay",
        ),
    ),
    Topic(
        key="giai-phong-mat-bang",
        category="kinh-te-xa-hoi",
        weight=2,
        headlines=(
            Headline(
                "Đẩy nhanh tiến độ giải phóng mặt bằng dự án {du_an} năm {nam}",
                "Ngày {ngay}, {nguoi1} đã kiểm tra thực tế và làm việc với các đơn vị liên quan về tiến độ giải "
                "phóng mặt bằng dự án {du_an} trên địa bàn huyện Mộ Đức.",
            ),
            Headline(
                "Chi trả {ty1} tỷ đồng bồi thường, hỗ trợ giải phóng mặt bằng dự án {du_an} tại {xa}",
                "Ban Bồi thường, giải phóng mặt bằng huyện Mộ Đức vừa phối hợp với UBND {xa} tổ chức chi trả hơn "
                "{ty1} tỷ đồng tiền bồi thường, hỗ trợ cho {so3} hộ dân bị ảnh hưởng bởi dự án {du_an}.",
            ),
            Headline(
                "{Xa} bàn giao {ha1} ha mặt bằng thi công dự án {du_an}",
                "Đến nay, {xa} đã bàn giao {ha1} ha mặt bằng cho đơn vị thi công dự án {du_an}, đạt {pt1} tổng "
                "diện tích phải thu hồi.",
            ),
            Headline(
                "Đối thoại với hộ dân {xa} chưa đồng thuận phương án bồi thường dự án {du_an} năm {nam}",
                "{buoi} ngày {ngay}, UBND huyện Mộ Đức tổ chức đối thoại với các hộ dân {xa} chưa đồng thuận "
                "với phương án bồi thường, hỗ trợ, tái định cư dự án {du_an}.",
            ),
        ),
        openers=(
            "Theo Ban Bồi thường, giải phóng mặt bằng huyện, dự án {du_an} có tổng diện tích thu hồi trên "
            "địa bàn huyện khoảng {ha1} ha, ảnh hưởng đến {so3} hộ dân và {so1} tổ chức.",
        ),
        middles=(
            "Đến nay, huyện đã phê duyệt phương án bồi thường cho {so3} hộ với tổng kinh phí hơn {ty1} tỷ đồng; "
            "số hộ còn lại đang được các đơn vị khẩn trương kiểm kê, áp giá.",
            "Khó khăn lớn nhất hiện nay là một số hộ dân chưa thống nhất với đơn giá bồi thường, việc xác định "
            "nguồn gốc đất ở một số thửa còn vướng mắc; công tác xây dựng khu tái định cư chưa đáp ứng tiến độ.",
            "Các địa phương đã tổ chức đối thoại, vận động, thuyết phục người dân chấp hành chủ trương; đồng "
            "thời kịp thời giải quyết những kiến nghị chính đáng, hợp pháp của người dân.",
            "Ông {nong_dan}, ở {thon}, {xa} chia sẻ: “Gia đình tôi thống nhất với phương án bồi thường và đã "
            "bàn giao mặt bằng sớm để công trình kịp tiến độ”.",
        ),
        closings=(
            "{Nguoi1} yêu cầu các cơ quan liên quan tập trung cao độ, phấn đấu hoàn thành công tác giải phóng "
            "mặt bằng đúng tiến độ mà UBND tỉnh giao./.",
        ),
        captions=(
            "Lãnh đạo huyện kiểm tra thực tế tại công trường",
            "Chi trả tiền bồi thường cho người dân {xa}",
            "Mặt bằng thi công dự án đoạn qua {xa}",
        ),
    ),
    Topic(
        key="nong-nghiep",
        category="kinh-te-xa-hoi",
        weight=3,
        headlines=(
            Headline(
                "Nông dân {xa} xuống giống vụ {vu}",
                "Những ngày này, nông dân {xa} đang tranh thủ thời tiết thuận lợi để xuống giống vụ {vu}, bảo "
                "đảm đúng lịch thời vụ do ngành nông nghiệp khuyến cáo.",
            ),
            Headline(
                "Mô hình trồng {cay} mang lại hiệu quả kinh tế cao ở {thon}, {xa}",
                "Thời gian gần đây, nhiều hộ dân ở {xa} đã mạnh dạn chuyển đổi đất lúa kém hiệu quả sang trồng "
                "{cay}, cho thu nhập cao gấp {so1} lần so với trồng lúa.",
            ),
            Headline(
                "Mộ Đức chủ động phòng, chống dịch bệnh trên đàn gia súc năm {nam}",
                "Trước nguy cơ dịch bệnh lây lan, huyện Mộ Đức đã triển khai tiêm phòng đợt {so1} cho hơn {so4} "
                "con gia súc, đồng thời tăng cường kiểm soát vận chuyển, giết mổ.",
            ),
            Headline(
                "Nông dân {xa} thu hoạch lúa vụ {vu}",
                "Vụ {vu}, lúa ở {xa} đạt năng suất khá, bình quân {nang_suat} tạ/ha; giá lúa ổn định nên nông "
                "dân phấn khởi.",
            ),
            Headline(
                "{Xa} chuyển đổi {ha1} ha đất lúa sang trồng cây hằng năm",
                "Năm {nam}, {xa} đã chuyển đổi {ha1} ha đất trồng lúa kém hiệu quả sang trồng {cay} và các loại "
                "cây hằng năm khác, mang lại thu nhập cao hơn cho nông dân.",
            ),
            Headline(
                "Mộ Đức có thêm {so1} sản phẩm đạt chuẩn OCOP năm {nam}",
                "UBND huyện Mộ Đức vừa tổ chức hội nghị đánh giá, phân hạng sản phẩm OCOP năm {nam}. Kết quả có "
                "{so1} sản phẩm đạt chuẩn OCOP 3 sao.",
                years=(2020, 2025),
            ),
        ),
        openers=(
            "Theo Phòng Nông nghiệp và Phát triển nông thôn huyện, vụ {vu} toàn huyện gieo sạ {so4} ha lúa, "
            "trong đó diện tích sử dụng giống lúa xác nhận chiếm {pt1}.",
            "Được sự hỗ trợ của huyện về giống và kỹ thuật, năm {nam} {xa} đã chuyển đổi {ha1} ha đất lúa kém "
            "hiệu quả sang trồng {cay} và các loại cây trồng cạn khác.",
        ),
        middles=(
            "Để bảo đảm sản xuất thắng lợi, ngành nông nghiệp huyện đã chỉ đạo các hợp tác xã nạo vét kênh "
            "mương, điều tiết nước tưới hợp lý; đồng thời tăng cường dự tính, dự báo sâu bệnh hại, hướng dẫn "
            "nông dân phòng trừ kịp thời.",
            "Ông {nong_dan}, ở {thon}, {xa} cho biết: “Năm nay gia đình tôi trồng {so1} sào {cay}, nhờ áp dụng "
            "hệ thống tưới tiết kiệm nên giảm được nhiều công chăm sóc, trừ chi phí còn lãi hơn {tr1} triệu "
            "đồng”.",
            "Huyện Mộ Đức đang khuyến khích nông dân liên kết sản xuất theo chuỗi giá trị, áp dụng quy trình "
            "VietGAP, xây dựng thương hiệu cho nông sản địa phương.",
            "Các sản phẩm OCOP của huyện như nước mắm, bánh tráng, tỏi đen, rượu đều được đóng gói, dán tem "
            "truy xuất nguồn gốc và giới thiệu trên các sàn thương mại điện tử.",
        ),
        closings=(
            "Thời gian tới, huyện tiếp tục hỗ trợ giống, kỹ thuật và kết nối tiêu thụ sản phẩm, giúp người dân "
            "yên tâm sản xuất, nâng cao thu nhập./.",
            "Ngành nông nghiệp khuyến cáo nông dân thường xuyên thăm đồng, phát hiện sớm sâu bệnh để có biện "
            "pháp xử lý kịp thời, bảo vệ năng suất cây trồng./.",
        ),
        captions=(
            "Nông dân {xa} chăm sóc {cay}",
            "Thu hoạch lúa tại cánh đồng {thon}, {xa}",
            "Cán bộ khuyến nông hướng dẫn kỹ thuật cho nông dân",
        ),
    ),
    Topic(
        key="van-hoa-the-thao",
        category="van-hoa-xa-hoi",
        weight=3,
        headlines=(
            Headline(
                "Ngày hội Đại đoàn kết toàn dân tộc tại {thon}, {xa} năm {nam}",
                "Ngày {ngay}, Ban Công tác Mặt trận {thon}, {xa} tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm "
                "{nam}, với sự tham gia của đông đảo Nhân dân trong khu dân cư.",
            ),
            Headline(
                "Khai mạc Đại hội Thể dục thể thao {xa} lần thứ {lan} năm {nam}",
                "{buoi} ngày {ngay}, {xa} long trọng tổ chức khai mạc Đại hội Thể dục thể thao lần thứ {lan}, "
                "năm {nam}, với sự tham gia của hơn {so3} vận động viên.",
            ),
            Headline(
                "Giải bóng chuyền nam, nữ huyện Mộ Đức năm {nam}",
                "Sáng ngày {ngay}, Trung tâm Văn hóa – Thông tin – Thể thao huyện Mộ Đức khai mạc Giải bóng "
                "chuyền nam, nữ năm {nam}, thu hút {so2} đội bóng đến từ các xã, thị trấn tham gia.",
            ),
            Headline(
                "Lễ hội Cầu ngư tại {xa_bien} năm {nam}",
                "Lễ hội Cầu ngư là nét đẹp văn hóa truyền thống của ngư dân {xa_bien}, được tổ chức hằng năm "
                "nhằm cầu mong mưa thuận gió hòa, bội thu hải sản.",
            ),
            Headline(
                "{Xa} tổ chức hội thi văn nghệ quần chúng chào mừng {su_kien} năm {nam}",
                "Nhằm chào mừng {su_kien}, UBND {xa} tổ chức Hội thi văn nghệ quần chúng năm {nam} với sự tham "
                "gia của {so2} đội văn nghệ đến từ các thôn, tổ dân phố.",
            ),
        ),
        openers=(
            "Phát biểu tại buổi lễ, {nguoi1} nhấn mạnh, phong trào “Toàn dân đoàn kết xây dựng đời sống văn "
            "hóa” đã góp phần quan trọng vào việc xây dựng khối đại đoàn kết toàn dân tộc ở khu dân cư.",
            "Chương trình gồm nhiều tiết mục văn nghệ đặc sắc, ca ngợi quê hương Mộ Đức anh hùng, ca ngợi Đảng, "
            "Bác Hồ kính yêu và tình yêu quê hương, đất nước.",
        ),
        middles=(
            "Trong khuôn khổ chương trình đã diễn ra nhiều hoạt động văn hóa, thể thao sôi nổi như: bóng chuyền, "
            "kéo co, đua thuyền, hội thi nấu ăn và các trò chơi dân gian.",
            "Năm qua, {thon} có {pt1} hộ gia đình đạt danh hiệu “Gia đình văn hóa”; Nhân dân tích cực tham gia "
            "giữ gìn an ninh trật tự, vệ sinh môi trường và xây dựng nông thôn mới.",
            "Các vận động viên đã thi đấu với tinh thần “Đoàn kết – Trung thực – Cao thượng”, mang đến cho khán "
            "giả những trận đấu hấp dẫn, kịch tính.",
        ),
        closings=(
            "Kết thúc chương trình, Ban Tổ chức đã trao giải Nhất, Nhì, Ba và các giải khuyến khích cho các tập "
            "thể, cá nhân có thành tích cao./.",
            "Dịp này, Ủy ban MTTQ Việt Nam huyện đã trao tặng {so1} suất quà cho các hộ gia đình có hoàn cảnh "
            "khó khăn trong khu dân cư./.",
        ),
        captions=(
            "Tiết mục văn nghệ chào mừng",
            "Ban Tổ chức trao giải cho các đội đạt thành tích cao",
            "Đông đảo Nhân dân {xa} tham gia ngày hội",
        ),
    ),
    Topic(
        key="giao-duc",
        category="van-hoa-xa-hoi",
        weight=2,
        headlines=(
            Headline(
                "Huyện Mộ Đức tổng kết năm học {nam_truoc} – {nam}",
                "Sáng ngày {ngay}, Phòng Giáo dục và Đào tạo huyện Mộ Đức tổ chức hội nghị tổng kết năm học "
                "{nam_truoc} – {nam} và triển khai nhiệm vụ năm học mới.",
            ),
            Headline(
                "Trao học bổng cho học sinh nghèo vượt khó {xa} năm {nam}",
                "Ngày {ngay}, Hội Khuyến học {xa} phối hợp với các nhà hảo tâm trao {so2} suất học bổng cho học "
                "sinh có hoàn cảnh khó khăn, vượt khó học giỏi, với tổng trị giá hơn {tr1} triệu đồng.",
            ),
            Headline(
                "Trường {cap_hoc} {ten_xa} tổng kết năm học {nam_truoc} – {nam}",
                "{buoi} ngày {ngay}, Trường {cap_hoc} {ten_xa} tổ chức lễ tổng kết năm học {nam_truoc} – {nam}, "
                "tuyên dương {so2} học sinh đạt thành tích xuất sắc.",
            ),
            Headline(
                "Khai giảng năm học {nam} – {nam_sau} tại Trường {cap_hoc} {ten_xa}",
                "{buoi} ngày {ngay}, cùng với học sinh cả nước, thầy và trò Trường {cap_hoc} {ten_xa} long trọng "
                "tổ chức lễ khai giảng năm học {nam} – {nam_sau}.",
            ),
            Headline(
                "Trường Tiểu học {ten_xa} đạt chuẩn quốc gia mức độ {so_muc}",
                "Sau thời gian nỗ lực phấn đấu, Trường Tiểu học {ten_xa} đã được UBND tỉnh Quảng Ngãi công nhận "
                "đạt chuẩn quốc gia mức độ {so_muc}.",
            ),
            Headline(
                "Bảo đảm an toàn cho Kỳ thi tốt nghiệp THPT năm {nam} tại Mộ Đức",
                "Kỳ thi tốt nghiệp THPT năm {nam}, huyện Mộ Đức có {so3} thí sinh dự thi tại {so1} điểm thi. "
                "Công tác chuẩn bị được triển khai chu đáo, bảo đảm an toàn, nghiêm túc.",
            ),
        ),
        openers=(
            "Năm học vừa qua, toàn ngành đã hoàn thành tốt các nhiệm vụ trọng tâm; tỷ lệ học sinh hoàn thành "
            "chương trình tiểu học đạt {pt1}, chất lượng giáo dục mũi nhọn có nhiều chuyển biến.",
            "Theo Phòng Giáo dục và Đào tạo huyện, hiện toàn huyện có {so2} trường đạt chuẩn quốc gia; cơ sở "
            "vật chất trường lớp được quan tâm đầu tư theo hướng kiên cố hóa, hiện đại hóa.",
        ),
        middles=(
            "Bên cạnh kết quả đạt được, ngành giáo dục huyện vẫn còn gặp khó khăn như: thiếu giáo viên ở một "
            "số môn học, cơ sở vật chất một số trường xuống cấp, chưa đáp ứng yêu cầu đổi mới chương trình.",
            "Những suất học bổng tuy không lớn nhưng là nguồn động viên kịp thời, giúp các em có thêm điều "
            "kiện vươn lên trong học tập.",
            "Nhà trường đã huy động hơn {ty1} tỷ đồng từ ngân sách và xã hội hóa để xây dựng thêm phòng học, "
            "thư viện, sân chơi và mua sắm trang thiết bị dạy học.",
        ),
        closings=(
            "Dịp này, Chủ tịch UBND huyện đã tặng Giấy khen cho {so2} tập thể và {so3} cá nhân có thành tích "
            "xuất sắc trong năm học./.",
            "Ngành giáo dục huyện tiếp tục đổi mới phương pháp dạy học, nâng cao chất lượng giáo dục toàn diện "
            "cho học sinh./.",
        ),
        captions=(
            "Trao học bổng cho học sinh vượt khó",
            "Quang cảnh hội nghị tổng kết năm học",
            "Một tiết học của học sinh Trường Tiểu học {ten_xa}",
        ),
    ),
    Topic(
        key="chinh-sach-xa-hoi",
        category="van-hoa-xa-hoi",
        weight=2,
        headlines=(
            Headline(
                "Thăm, tặng quà gia đình chính sách tại {xa} nhân kỷ niệm {so_nam_tbls} năm Ngày Thương binh – Liệt sĩ",
                "Nhân kỷ niệm {so_nam_tbls} năm Ngày Thương binh – Liệt sĩ (27/7/1947 – 27/7/{nam}), đoàn công "
                "tác của huyện Mộ Đức do {nguoi1} làm trưởng đoàn đã đến thăm, tặng quà các gia đình chính sách "
                "tại {xa}.",
            ),
            Headline(
                "Bàn giao nhà Đại đoàn kết cho hộ ông {nong_dan} ở {thon}, {xa}",
                "Ngày {ngay}, Ủy ban MTTQ Việt Nam huyện Mộ Đức phối hợp với UBND {xa} tổ chức bàn giao nhà Đại "
                "đoàn kết cho hộ ông {nong_dan} ở {thon}. Ngôi nhà có tổng kinh phí {tr1} triệu đồng, trong đó "
                "Quỹ “Vì người nghèo” huyện hỗ trợ {tr2} triệu đồng.",
            ),
            Headline(
                "Tặng quà Tết {tet} cho hộ nghèo, hộ có hoàn cảnh khó khăn tại {xa}",
                "Nhằm giúp người nghèo đón Tết {tet} đầm ấm, vui tươi, Ủy ban MTTQ Việt Nam {xa} đã trao {so3} "
                "suất quà cho hộ nghèo, hộ cận nghèo và hộ có hoàn cảnh khó khăn.",
            ),
            Headline(
                "Hiến máu tình nguyện tại {xa} năm {nam}",
                "Ngày {ngay}, Ban Chỉ đạo vận động hiến máu tình nguyện huyện Mộ Đức phối hợp với {xa} tổ chức "
                "ngày hội hiến máu, thu được {so3} đơn vị máu.",
            ),
        ),
        openers=(
            "Tại các gia đình, đoàn đã ân cần thăm hỏi tình hình sức khỏe, đời sống; bày tỏ lòng biết ơn sâu "
            "sắc đối với những hy sinh, cống hiến của các thương binh, gia đình liệt sĩ cho sự nghiệp giải "
            "phóng dân tộc.",
            "Theo Ủy ban MTTQ Việt Nam huyện, năm {nam} Quỹ “Vì người nghèo” các cấp đã vận động được hơn {ty1} "
            "tỷ đồng, hỗ trợ xây mới và sửa chữa {so2} nhà Đại đoàn kết.",
        ),
        middles=(
            "Xúc động khi nhận nhà mới, ông {nong_dan} chia sẻ: “Gia đình tôi rất biết ơn chính quyền và bà con "
            "lối xóm đã giúp đỡ để có được ngôi nhà khang trang, vững chắc trước mùa mưa bão”.",
            "Hiện nay, toàn huyện có {so3} người có công với cách mạng đang hưởng trợ cấp hằng tháng; các chế "
            "độ, chính sách được chi trả đầy đủ, kịp thời qua tài khoản.",
            "Ngoài quà của huyện, các xã, thị trấn cũng đã vận động các doanh nghiệp, nhà hảo tâm trao tặng "
            "hàng nghìn suất quà cho các đối tượng chính sách, hộ nghèo.",
        ),
        closings=(
            "Đây là việc làm thiết thực nhằm thực hiện tốt chính sách an sinh xã hội, thể hiện truyền thống "
            "“Uống nước nhớ nguồn”, “Tương thân tương ái” của dân tộc./.",
        ),
        captions=(
            "Lãnh đạo huyện thăm, tặng quà gia đình chính sách",
            "Bàn giao nhà Đại đoàn kết cho hộ ông {nong_dan}",
            "Người dân {xa} tham gia hiến máu tình nguyện",
        ),
    ),
    Topic(
        key="chi-dao",
        category="chi-dao-dieu-hanh",
        weight=4,
        headlines=(
            Headline(
                "Kế hoạch triển khai {noi_dung} năm {nam} trên địa bàn huyện Mộ Đức",
                "UBND huyện Mộ Đức vừa ban hành {van_ban} về triển khai {noi_dung} năm {nam} trên địa bàn huyện.",
                document="KH",
            ),
            Headline(
                "Chỉ thị về tăng cường {noi_dung} năm {nam}",
                "Ngày {ngay}, Chủ tịch UBND huyện Mộ Đức đã ký ban hành {van_ban} về tăng cường {noi_dung} trên "
                "địa bàn huyện.",
                document="CT",
            ),
            Headline(
                "Quyết định kiện toàn Ban Chỉ đạo {noi_dung} huyện Mộ Đức năm {nam}",
                "Chủ tịch UBND huyện Mộ Đức vừa ký {van_ban} về việc kiện toàn Ban Chỉ đạo {noi_dung} của huyện.",
                document="QD",
            ),
            Headline(
                "Thông báo kết luận của Chủ tịch UBND huyện tại buổi làm việc với {xa} năm {nam}",
                "UBND huyện Mộ Đức vừa ban hành {van_ban} kết luận của Chủ tịch UBND huyện tại buổi làm việc với "
                "lãnh đạo {xa} ngày {ngay}.",
                document="TB",
            ),
            Headline(
                "{Van_ban} về {noi_dung}",
                "Ngày {ngay}, UBND huyện Mộ Đức ban hành {van_ban} về {noi_dung} trên địa bàn huyện năm {nam}.",
                document="KH",
            ),
            Headline(
                "{Van_ban} về việc tăng cường {noi_dung} tại {xa}",
                "UBND huyện Mộ Đức vừa có {van_ban} gửi UBND {xa} và các cơ quan liên quan về việc tăng cường "
                "{noi_dung}.",
                document="CV",
            ),
            Headline(
                "Báo cáo kết quả thực hiện {noi_dung} quý {quy} năm {nam}",
                "UBND huyện Mộ Đức vừa có {van_ban} về kết quả thực hiện {noi_dung} quý {quy} năm {nam}.",
                document="BC",
            ),
        ),
        openers=(
            "Theo đó, UBND huyện yêu cầu Thủ trưởng các cơ quan, đơn vị và Chủ tịch UBND các xã, thị trấn tổ "
            "chức quán triệt, triển khai thực hiện nghiêm túc, hiệu quả các nội dung đã đề ra.",
            "Văn bản nêu rõ, thời gian qua {noi_dung} trên địa bàn huyện đã có chuyển biến tích cực; tuy nhiên "
            "vẫn còn một số tồn tại, hạn chế cần sớm khắc phục.",
        ),
        middles=(
            "Giao Văn phòng HĐND và UBND huyện theo dõi, đôn đốc các cơ quan, đơn vị, địa phương thực hiện; "
            "định kỳ tổng hợp, báo cáo Chủ tịch UBND huyện trước ngày 20 hằng tháng.",
            "Các phòng, ban chuyên môn căn cứ chức năng, nhiệm vụ được giao chủ động tham mưu, hướng dẫn UBND "
            "các xã, thị trấn triển khai thực hiện; kịp thời báo cáo những khó khăn, vướng mắc phát sinh.",
            "Chủ tịch UBND các xã, thị trấn chịu trách nhiệm trước Chủ tịch UBND huyện nếu để xảy ra sai phạm "
            "trên địa bàn quản lý mà không kịp thời phát hiện, xử lý.",
        ),
        closings=(
            "Văn bản có hiệu lực kể từ ngày ký. Nội dung chi tiết xem tại văn bản đính kèm./.",
            "UBND huyện đề nghị các cơ quan, đơn vị, địa phương nghiêm túc triển khai thực hiện./.",
        ),
        captions=(
            "Trụ sở UBND huyện Mộ Đức",
            "Lãnh đạo huyện làm việc với {xa}",
        ),
    ),
)

#: Paragraphs any story may borrow: the connective tissue of government news.
GENERIC_MIDDLES = (
    "Thời gian qua, UBND huyện Mộ Đức đã chỉ đạo các phòng, ban chuyên môn và UBND các xã, thị trấn triển khai "
    "đồng bộ nhiều giải pháp, gắn với tăng cường công tác kiểm tra, đôn đốc tại cơ sở.",
    "Nhờ sự vào cuộc quyết liệt của cả hệ thống chính trị và sự đồng thuận của Nhân dân, nhiều chỉ tiêu quan "
    "trọng đã đạt và vượt kế hoạch đề ra.",
    "Theo kế hoạch, trong năm {nam}, huyện sẽ tiếp tục rà soát, bổ sung các cơ chế, chính sách phù hợp, tạo điều "
    "kiện thuận lợi để các địa phương triển khai nhiệm vụ.",
    "Bên cạnh đó, công tác thông tin, tuyên truyền được chú trọng thực hiện trên Cổng thông tin điện tử huyện, "
    "hệ thống truyền thanh cơ sở và các nhóm Zalo của thôn, tổ dân phố.",
)

GENERIC_CAPTIONS = (
    "Quang cảnh buổi lễ",
    "Các đại biểu tham quan thực tế tại {xa}",
    "{nguoi1_ngan} phát biểu tại buổi làm việc",
)


@dataclass(frozen=True)
class FixedArticle:
    """An article written out in full rather than generated."""

    category: str
    title: str
    #: (year, month, day, hour, minute), Vietnam time
    published: tuple[int, int, int, int, int]
    views: int
    author: str
    sapo: str
    #: Body paragraphs; the last one closes with "./.".
    paragraphs: tuple[str, ...]
    #: The photo stands after this paragraph (index into ``paragraphs``), with this caption.
    photo_after: int
    photo_caption: str


#: The typical article of a Mộ Đức district page, always present (the demo and tests look for it).
TYPICAL_ARTICLE = FixedArticle(
    category="tin-tuc-su-kien",
    title="Tổng kết công tác phối hợp giữa UBND huyện với UBMTTQVN huyện năm 2021",
    published=(2022, 1, 9, 15, 20),
    views=1235,
    author="Văn Trọng",
    sapo=(
        "Chiều ngày 07/01/2022, UBND huyện và Ủy ban MTTQ Việt Nam huyện Mộ Đức tổ chức hội nghị tổng kết công "
        "tác phối hợp năm 2021 và triển khai chương trình phối hợp năm 2022."
    ),
    paragraphs=(
        "Dự hội nghị có đồng chí Trần Quang Vinh – Phó Bí thư Huyện ủy, Chủ tịch UBND huyện; đồng chí Lê Thị "
        "Thu Hà – Ủy viên Ban Thường vụ Huyện ủy, Chủ tịch Ủy ban MTTQ Việt Nam huyện; lãnh đạo các cơ quan, "
        "ban, ngành, đoàn thể huyện và Chủ tịch UBND, Chủ tịch Ủy ban MTTQ Việt Nam các xã, thị trấn.",
        "Năm 2021, mặc dù chịu ảnh hưởng nặng nề của dịch COVID-19 và thiên tai, UBND huyện và Ủy ban MTTQ Việt "
        "Nam huyện đã phối hợp chặt chẽ trong việc tổ chức thành công cuộc bầu cử đại biểu Quốc hội khóa XV và "
        "đại biểu HĐND các cấp nhiệm kỳ 2021 – 2026; vận động Nhân dân tham gia phòng, chống dịch bệnh, thực "
        "hiện cuộc vận động “Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh”.",
        "Thông qua công tác phối hợp, Ủy ban MTTQ Việt Nam huyện và các tổ chức thành viên đã vận động xây dựng "
        "và sửa chữa 45 nhà Đại đoàn kết cho hộ nghèo, hộ có hoàn cảnh khó khăn; tiếp nhận hơn 3,2 tỷ đồng ủng "
        "hộ Quỹ phòng, chống dịch COVID-19; tổ chức giám sát, phản biện xã hội đối với 12 dự thảo văn bản của "
        "UBND huyện.",
        "Tại hội nghị, các đại biểu đã thảo luận, làm rõ những kết quả đạt được, đồng thời chỉ ra một số hạn chế "
        "như: việc tiếp thu, giải quyết kiến nghị của cử tri có lúc chưa kịp thời; công tác phối hợp ở một số "
        "xã chưa thường xuyên.",
        "Phát biểu tại hội nghị, đồng chí Chủ tịch UBND huyện đề nghị trong năm 2022, hai bên tiếp tục phối hợp "
        "thực hiện tốt Quy chế phối hợp, tăng cường công tác tuyên truyền, vận động Nhân dân thực hiện các chủ "
        "trương của Đảng, chính sách, pháp luật của Nhà nước, góp phần hoàn thành thắng lợi nhiệm vụ phát triển "
        "kinh tế – xã hội, bảo đảm quốc phòng – an ninh của huyện./.",
    ),
    photo_after=2,
    photo_caption="Hình: Quang cảnh hội nghị tổng kết công tác phối hợp năm 2021",
)
