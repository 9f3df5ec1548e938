"""HTML of the replica portal, written to match real Liferay 6.2 pages (``tests/fixtures/liferay62/PROVENANCE.md``).

Class names, nesting, date formats, the pager and its disabled buttons, the misspelt ``asset-bounddary``,
the ``b=6201`` resource URLs and the ``Liferay.ThemeDisplay`` script are copied from the saved pages of a real
portal, so a crawler that reads those pages reads these. Pages are rendered per request with plain string
building (no template engine, no page cache): an article page costs about 0.15 ms, and nothing grows with
traffic except one small bounded LRU of pager menus.

A page is a pure function of the site's content and the request's host and path: nothing depends on the clock
or on how often a page was asked for (the visitor counter is derived from the page's path), so a re-crawl can
tell an unchanged page by its digest (the server's ETag is that digest). Rendering holds the site's lock, so an
edit (:meth:`~govscraper_replica.site.ReplicaSite.edit`) or an addition (``add``) is never half-seen.

Page chrome that is not article text (skip link, banner, menus, breadcrumbs, font-size and print/e-mail/share
tools, visitor counter, related articles, footer) is present as on real portals, and always outside
``div.journal-content-article``.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from govscraper_replica import corpus
from govscraper_replica.site import GROUP_ID
from govscraper_replica.urls import list_path

if TYPE_CHECKING:
    from govscraper_replica.site import ReplicaArticle, ReplicaSite

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#034;", "'": "&#039;"})
_THEME = "moduc_WAR_moductheme"
#: The theme script of the fixtures that relabels the pager's third button ("next" in the HTML) as "Tiếp".
_RENAME_NEXT = (
    '<script type="text/javascript">$("ul.pager.lfr-pagination-buttons li:nth-child(3) a").text("Tiếp");</script> '
)
_RESOURCE = (
    f"browserId=other&amp;themeId={_THEME}&amp;minifierType={{kind}}&amp;languageId=vi_VN&amp;b=6201&amp;t={{t}}"
)


def esc(text: str) -> str:
    """Escape text for HTML the way Liferay does (quotes as ``&#034;``, like the fixtures' titles)."""
    return text.translate(_ESCAPES)


def _js_escape(text: str) -> str:
    """Liferay's JavaScript string escaping of URLs: ``/`` → ``\\x2f`` and so on, letters, digits, - and _ kept."""
    return "".join(ch if ch.isalnum() or ch in "-_" else f"\\x{ord(ch):02x}" for ch in text)


def list_date(moment: datetime) -> str:
    """Date line of a list item: ``21/07/2022 | 10:00 AM`` (12-hour clock, zero-padded hour)."""
    return moment.strftime("%d/%m/%Y | %I:%M %p")


def article_date(moment: datetime) -> str:
    """Date of an article page: ``09/01/2022 | 3:20 PM`` (hour not padded, as in ``20/06/2018 | 4:12 PM``)."""
    hour = moment.hour % 12 or 12
    return f"{moment:%d/%m/%Y} | {hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def _counter(key: str) -> str:
    """The visitor counter box. Its numbers differ from page to page, as a live counter's would between visits,
    but are derived from the page's key alone: the same page shows the same numbers on every request."""
    n = zlib.crc32(key.encode())
    online, today = 3 + n % 40, 1500 + n % 3000
    total = f"{7_400_000 + n % 90_000:,}".replace(",", ".")
    return (
        '<div class="portlet-boundary portlet-boundary_thongke_WAR_portalthongkeportlet_ portlet-static '
        'portlet-static-end thongke-portlet " id="p_p_id_thongke_WAR_portalthongkeportlet_" > '
        '<span id="p_thongke_WAR_portalthongkeportlet"></span> <section class="portlet" '
        'id="portlet_thongke_WAR_portalthongkeportlet"> <header class="portlet-topper"> <h1 class="portlet-title"> '
        '<span class="portlet-title-icon"> &nbsp; </span> <span class="portlet-title-text">Thống kê truy cập</span> '
        '</h1> </header> <div class="portlet-content"> <div class=" portlet-content-container" style=""> '
        '<div class="portlet-body"> <ul class="thong-ke-truy-cap"> '
        f"<li>Online <span>{online}</span></li> <li>Hôm nay <span>{today}</span></li> "
        f"<li>Tổng <span>{total}</span></li> </ul> </div> </div> </div> </section> </div>"
    )


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _consistent(method: Callable[Concatenate[Renderer, _P], _R]) -> Callable[Concatenate[Renderer, _P], _R]:
    """Render under the site's lock: a page never mixes an article's old and new versions during an edit."""

    @functools.wraps(method)
    def locked(self: Renderer, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self.site.lock:
            return method(self, *args, **kwargs)

    return locked


class Renderer:
    """Renders every page of one site. Only strings that never change are prepared in advance."""

    def __init__(self, site: ReplicaSite) -> None:
        self.site = site
        self.portal = esc(site.name)
        self._plid = {c.slug: 2081500 + 17 * i for i, c in enumerate(site.categories)}

    # -- shared chrome ------------------------------------------------------------------------------------
    def _head(self, title: str, origin: str, path: str, layout: str, description: str | None = None) -> str:
        css = _RESOURCE.format(kind="css", t="1621993502000")
        js = _RESOURCE.format(kind="js", t="1621993454000")
        meta = f'<meta content="{esc(description)}" lang="vi-VN" name="description" /> ' if description else ""
        plid = self._plid.get(layout, 2081499)
        return (
            '<!DOCTYPE html> <html class="aui ltr" dir="ltr" lang="vi-VN"> <head> '
            f'<title>{esc(title)}</title> <meta content="text/html; charset=UTF-8" http-equiv="content-type" /> '
            f"{meta}"
            f'<link href="/moduc-theme/images/favicon.ico" rel="Shortcut Icon" /> '
            f'<link href="{esc(origin + path)}" rel="canonical" /> '
            f'<link class="lfr-css-file" href="/moduc-theme/css/aui.css?{css}" rel="stylesheet" type="text/css" /> '
            f'<link href="/html/css/main.css?{css}" rel="stylesheet" type="text/css" /> '
            f'<link href="/html/portlet/asset_publisher/css/main.css?{css}" rel="stylesheet" type="text/css" /> '
            f'<script type="text/javascript">{self._liferay_js(origin, path, layout, plid)}</script> '
            f'<script src="/html/js/barebone.jsp?{js}&amp;colorSchemeId=01'
            '&amp;minifierBundleId=javascript.barebone.files" type="text/javascript"></script> '
            '<script type="text/javascript">Liferay.Portlet.list=["101","85_INSTANCE_moDucChuyenMuc",'
            '"thongke_WAR_portalthongkeportlet"];</script> '
            '<script type="text/javascript" src="/html/extensions/jquery.min.js"></script> '
            f'<link class="lfr-css-file" href="/moduc-theme/css/main.css?{css}" rel="stylesheet" type="text/css" /> '
            "</head> "
        )

    def _liferay_js(self, origin: str, path: str, layout: str, plid: int) -> str:
        layout_url = origin + (f"/{layout}" if layout else "/")
        return (
            "var Liferay={Browser:{acceptsGzip:function(){return true},getMajorVersion:function(){return 0},"
            'getRevision:function(){return""},getVersion:function(){return""},isChrome:function(){return false},'
            "isFirefox:function(){return false},isIe:function(){return false},isMobile:function(){return false}},"
            'Data:{NAV_SELECTOR:"#navigation",isCustomizationView:function(){return false},notices:[null]},'
            f'ThemeDisplay:{{getLayoutId:function(){{return"{plid % 100}"}},'
            f'getLayoutURL:function(){{return"{layout_url}"}},getParentLayoutId:function(){{return"0"}},'
            'isPrivateLayout:function(){return"false"},isVirtualLayout:function(){return false},'
            'getBCP47LanguageId:function(){return"vi-VN"},'
            f'getCDNBaseURL:function(){{return"{origin}"}},getCDNHost:function(){{return""}},'
            'getCompanyId:function(){return"10157"},getCompanyGroupId:function(){return"10197"},'
            'getDefaultLanguageId:function(){return"vi_VN"},getLanguageId:function(){return"vi_VN"},'
            f'getParentGroupId:function(){{return"{GROUP_ID}"}},getPathContext:function(){{return""}},'
            'getPathImage:function(){return"/image"},getPathJavaScript:function(){return"/html/js"},'
            'getPathMain:function(){return"/c"},'
            f'getPathThemeImages:function(){{return"{origin}/moduc-theme/images"}},'
            'getPathThemeRoot:function(){return"/moduc-theme"},'
            f'getPlid:function(){{return"{plid}"}},getPortalURL:function(){{return"{origin}"}},'
            f'getScopeGroupId:function(){{return"{GROUP_ID}"}},getSiteGroupId:function(){{return"{GROUP_ID}"}},'
            f'getURLHome:function(){{return"{_js_escape(origin + "/web/guest")}"}},'
            'getUserId:function(){return"10161"},getUserName:function(){return""},'
            "isSignedIn:function(){return false},isStateMaximized:function(){return false}},"
            "PropsValues:{NTLM_AUTH_ENABLED:false}};var themeDisplay=Liferay.ThemeDisplay;"
            'Liferay.AUI={getComboPath:function(){return"/combo/?browserId=other&minifierType=&languageId=vi_VN'
            '&b=6201&t=1621993454000&"},getFilter:function(){return"min"},'
            'getJavaScriptRootPath:function(){return"/html/js"}};Liferay.authToken="mD7kQ2xZ";'
            f'Liferay.currentURL="{_js_escape(path)}";'
        )

    def _top(self, active: str | None) -> str:
        items = []
        for category in self.site.categories:
            cls = " active" if category.slug == active else ""
            href = list_path(category.slug, bare_first=True)
            items.append(f'<li class="{cls}" > <a href="{href}" >{esc(category.name)}</a> </li>')
        return (
            '<body class=" yui3-skin-sam controls-visible signed-out public-page site"> '
            '<a href="#main-content" id="skip-to-content">Truy cập nội dung luôn</a> <div class="body"> '
            '<div id="header"> <div class="boder_top1"> <div id="contentheader"> '
            '<div class="site-title"> <span class="site-title-top">CỔNG THÔNG TIN ĐIỆN TỬ</span> '
            '<span class="site-title-main">HUYỆN MỘ ĐỨC - TỈNH QUẢNG NGÃI</span> </div> '
            '<div class="egov_date"> <div id="point_portal_egov_date"></div> <div id="point_portal_egov_clock"></div> '
            "</div> </div> </div> </div> "
            '<div> <nav id="navigation" role="navigation"> <div id="menu"> <div class="center clearfix"> '
            f'<ul class="navi"> <li class="{" active" if active == "" else ""}" > <a href="/" >Trang chủ</a> </li> '
            + " ".join(items)
            + ' </ul> <div class="nav-search"> <input type="text" name="search" '
            "onfocus=\"if (this.value=='  ---Nhập từ tìm kiếm---  ') this.value='';\" "
            'value="  ---Nhập từ tìm kiếm---  " class="txtTimKiem" id="txtTimKiem"/> '
            '<input type="button" onclick="return Search_onclick();" class="search_button" id="btn_search"> '
            "</div> </div> </div> </nav> </div> "
            '<div class"after_main"></div> <div id="main"> <div class="moduc" id="main-content" role="main"> '
            '<div class="portlet-layout row-fluid"> <div class="portlet-column portlet-column-first span9" '
            'id="column-1"> <div class="portlet-dropzone portlet-column-content portlet-column-content-first" '
            'id="layout-column_column-1"> '
        )

    def _breadcrumb(self, category: str, linked: bool) -> str:
        name = esc(self.site.category_names[category])
        here = f'<a href="{list_path(category, bare_first=True)}">{name}</a>' if linked else f"<p>{name}</p>"
        return (
            '<div class="portlet-boundary portlet-boundary_ddlk_WAR_pointportalddlkportlet_  portlet-static '
            'portlet-static-end portlet-borderless ddlk-portlet " id="p_p_id_ddlk_WAR_pointportalddlkportlet_" > '
            '<div class="portlet-borderless-container" style=""> <div class="portlet-body"> '
            f'<div class="dd_chuyenmuc"> <span class="trangchu"><a href="/">Trang chủ</a></span> '
            f'<span class="tintuc">{here}</span> </div> </div> </div> </div> '
        )

    def _bottom(self, key: str, script: str = "") -> str:
        links = "".join(
            f'<li><a href="{list_path(c.slug, bare_first=True)}" > {esc(c.name)}</a></li>' for c in self.site.categories
        )
        js = _RESOURCE.format(kind="js", t="1621993502000")
        return (
            "</div> </div> "
            '<div class="portlet-column portlet-column-last span3" id="column-2"> '
            '<div class="portlet-dropzone portlet-column-content portlet-column-content-last" '
            'id="layout-column_column-2"> '
            '<div class="portlet-boundary portlet-boundary_85_ portlet-static portlet-static-end portlet-site-map " '
            'id="p_p_id_85_INSTANCE_moDucChuyenMuc_" > '
            '<section class="portlet" id="portlet_85_INSTANCE_moDucChuyenMuc"> '
            '<header class="portlet-topper"> <h1 class="portlet-title"> <span class="portlet-title-icon"> &nbsp; '
            '</span> <span class="portlet-title-text">Chuyên mục</span> </h1> </header> <div class="portlet-content"> '
            f'<div class=" portlet-content-container" style=""> <div class="portlet-body"> <ul>{links}</ul> '
            "</div> </div> </div> </section> </div> "
            f"{_counter(key)} "
            "</div> </div> </div> </div> </div> "
            '<form action="#" id="hrefFm" method="post" name="hrefFm"> <span></span> </form> '
            '<div class="footer-wrapper"> <div id="footer" class="clearfix"> '
            '<p class="vetrang"><a href="#">| Về đầu trang |</a></p> <div class="footleft"> '
            "<h3>CỔNG THÔNG TIN ĐIỆN TỬ HUYỆN MỘ ĐỨC</h3> "
            f"<p>Cơ quan chủ quản: {esc(corpus.FOOTER_OWNER)}</p> <p>{esc(corpus.FOOTER_ADDRESS)}</p> "
            f"<p>{esc(corpus.FOOTER_RESPONSIBLE)}<br> ® Ghi rõ nguồn “{self.portal}” khi phát hành lại thông tin "
            "từ nguồn này.</p> </div> </div> </div> </div> "
            '<script type="text/javascript">Liferay.Util.addInputFocus();</script> '
            f'<script src="/moduc-theme/js/main.js?{js}" type="text/javascript"></script> '
            f"{script}</body> </html>"
        )

    # -- pages --------------------------------------------------------------------------------------------
    @_consistent
    def home(self, origin: str) -> str:
        """The home page: the nav menu, a "Tin nổi bật" box of the newest articles, a box per category."""
        latest = self.site.latest(5)
        parts = [self._head(self.site.name, origin, "/", "", f"{self.site.name} - {corpus.PROVINCE}"), self._top("")]
        if latest:
            lead = latest[0]
            picture = (
                f'<div class="block_news_big"> <a href="{lead.url}"> <img alt="{esc(lead.title)}" '
                f'src="{esc(lead.thumbnail)}"> </a> </div> '
                if lead.thumbnail
                else ""
            )
            subs = "".join(
                f'<li> <div class="title_news"> <a href="{a.url}" title="{esc(a.title)}"> {esc(a.title)} '
                f'<span class="date_content_asset"> ({a.published_at:%d/%m/%Y}) </span> </a> </div> </li> '
                for a in latest
            )
            parts.append(
                '<div class="portlet-boundary portlet-boundary_1_WAR_portalnewspublisherportlet_ portlet-static '
                'portlet-static-end portal-newspublisher-portlet " id="p_p_id_1_WAR_portalnewspublisherportlet_" > '
                '<section class="portlet" id="portlet_1_WAR_portalnewspublisherportlet"> '
                '<header class="portlet-topper"> '
                '<h1 class="portlet-title"> <span class="portlet-title-icon"> &nbsp; </span> '
                '<span class="portlet-title-text">Tin nổi bật</span> </h1> </header> <div class="portlet-content"> '
                '<div class=" portlet-content-container" style=""> <div class="portlet-body"> '
                '<div class="news-wrapper "> <div class="newsfocus3-wrapper"> <div class="nf3-container"> '
                f'<div class="nf3-left-content"> <div class="box_hot_news" > {picture}'
                f'<div class="title_news"> <a href="{lead.url}"> {esc(lead.title)} <span class="new-icon"></span> '
                f'</a> </div> <div class="news_lead"> {esc(lead.summary)} </div> </div> </div> '
                f'<div class="nf3-right-content"> <div class="box_sub_hot_news"> <ul> {subs}</ul> </div> </div> '
                "</div> </div> </div> </div> </div> </div> </section> </div> "
            )
        for category in self.site.categories:
            items = self.site.by_category[category.slug][:5]
            links = "".join(
                f'<li><a href="{a.url}">{esc(a.title)}</a> <span class="date_content_asset">'
                f"({a.published_at:%d/%m/%Y})</span></li> "
                for a in items
            )
            parts.append(
                '<section class="portlet box-chuyen-muc"> <header class="portlet-topper"> <h1 class="portlet-title"> '
                f'<span class="portlet-title-text"><a href="{list_path(category.slug, bare_first=True)}">'
                f'{esc(category.name)}</a></span> </h1> </header> <div class="portlet-content"> '
                f'<ul class="list-news">{links}</ul> </div> </section> '
            )
        parts.append(self._bottom("/"))
        return "".join(parts)

    @_consistent
    def category(self, slug: str, cur: int, delta: int, origin: str, path: str) -> str:
        """A category list page: ``delta`` items of page ``cur``, newest first, and the Liferay pager."""
        site = self.site
        items, cur = site.list_page(slug, cur, delta)
        total = len(site.by_category[slug])
        pages = site.pages(slug, delta)
        name = site.category_names[slug]
        parts = [
            self._head(f"{name} - {site.name}", origin, path, slug),
            self._top(slug),
            self._breadcrumb(slug, linked=False),
            '<div class="portlet-boundary portlet-boundary_101_  portlet-static portlet-static-end '
            'portlet-borderless portlet-asset-publisher " id="p_p_id_101_" > <span id="p_101"></span> '
            '<div class="portlet-borderless-container" style=""> <div class="portlet-body"> '
            '<div class="subscribe-action"> </div> ',
        ]
        for article in items:
            parts.append(self._list_item(article))
        if not items:
            parts.append('<div class="alert alert-info"> Không tìm thấy kết quả nào. </div> ')
        if total > delta:
            parts.append(self._pager(slug, cur, delta, pages, total))
        parts.append("</div> </div> </div> ")
        parts.append(self._bottom(f"{slug}:{cur}", _RENAME_NEXT))
        return "".join(parts)

    @staticmethod
    def _list_item(article: ReplicaArticle) -> str:
        href = article.url
        if article.thumbnail:
            image = (
                f'<div class="asset-image"> <a href="{href}"><img src="{esc(article.thumbnail)}" alt=""/></a> </div> '
                '<div class="asset-content-custom" > '
            )
        else:
            image = '<div class="asset-content-custom" style="margin-left: 0" > '
        return (
            '<div class="asset-bounddary"> <div class="asset-abstract "> <!-- <div class="asset_actions_custom_style"> '
            '</div> --> <div class="asset-content normal-news"> '
            f'{image}<h3 class="asset-title"> <a href="{href}">{esc(article.title)}</a> </h3> '
            f'<div class="assetPublishDate block_timer"> {list_date(article.published_at)} </div> '
            f'<div class="asset-summary"> {esc(article.summary)} </div> </div> </div> '
            '<div class="asset-metadata"> </div> </div> </div> '
        )

    @staticmethod
    def _pager(slug: str, cur: int, delta: int, pages: int, total: int) -> str:
        def url(n: int) -> str:
            return esc(list_path(slug, n, delta))

        menu = _page_menu(slug, delta, pages)

        def button(cls: str, target: int | None, label: str) -> str:
            if target is None:
                return f'<li class="disabled{cls}"> <a href="javascript:;" target="_self"> {label} </a> </li> '
            return f'<li class="{cls}"> <a href="{url(target)}" target="_self"> {label} </a> </li> '

        first = (cur - 1) * delta + 1
        last = min(cur * delta, total)
        return (
            '<div class="taglib-page-iterator" id="_101_ocerSearchContainerPageIterator"> '
            '<div class="clearfix lfr-pagination"> <div class="lfr-pagination-config"> '
            '<div class="lfr-pagination-page-selector"> <div class="btn-group lfr-icon-menu current-page-menu '
            'custom-paging"><a class="dropdown-toggle direction-down max-display-items-15 btn" href="javascript:;" '
            f'id="_101_kldx_column1_1_menu" title=" {cur} "><span class="lfr-icon-menu-text"> {cur} </span>'
            '<i class="caret"></i> </a><ul class="dropdown-menu lfr-menu-list direction-down"> '
            f"{menu}</ul></div> </div> "
            '<div class="lfr-pagination-delta-selector"> <div style="margin-right: 5px"> Trang </div> </div> </div> '
            f'<small class="search-results"> Hiển thị {first} - {last} of {total} kết quả. </small> '
            '<ul class="pager lfr-pagination-buttons"> '
            + button(" first", 1 if cur > 1 else None, "&larr; Đầu tiên")
            + button("", cur - 1 if cur > 1 else None, "Trước")
            + button("", cur + 1 if cur < pages else None, "next")
            + button(" last", pages if cur < pages else None, "Cuối cùng &rarr;")
            + "</ul> </div> </div> "
        )

    @_consistent
    def article(self, article: ReplicaArticle, origin: str) -> str:
        """An article page in full-content mode, structured like ``article_en_2625972.html``."""
        site = self.site
        name = esc(article.category_name)
        related = "".join(f'<li><a href="{a.url}">{esc(a.title)}</a></li> ' for a in site.related(article))
        return "".join(
            (
                self._head(
                    f"{article.title} - {article.category_name} - {site.name}",
                    origin,
                    article.url,
                    article.category,
                    article.summary,
                ),
                self._top(article.category),
                self._breadcrumb(article.category, linked=True),
                '<div class="portlet-boundary portlet-boundary_101_ portlet-static portlet-static-end '
                'portlet-asset-publisher " id="p_p_id_101_" > <span id="p_101"></span> '
                '<section class="portlet" id="portlet_101"> <header class="portlet-topper"> <h1 class="portlet-title"> '
                f'<span class="portlet-title-icon"> &nbsp; </span> <span class="portlet-title-text">{name}</span> '
                '</h1> <menu class="portlet-topper-toolbar" id="portlet-topper-toolbar_101" type="toolbar"> </menu> '
                '</header> <div class="portlet-content"> <div class=" portlet-content-container" style=""> '
                '<div class="portlet-body"> <div> '
                f'<div class="asset-full-content-title">{esc(article.title)}</div> '
                f'<div class="assetPublishDate block_timer"> Ngày đăng {article_date(article.published_at)} '
                f"&nbsp;|&nbsp;View count: {article.views} </div> "
                '<div class="font-size-tools"> Xem với cỡ chữ : <a class="font-minus" href="javascript:;">A-</a> '
                '<a class="font-reset" href="javascript:;">A</a> <a class="font-plus" href="javascript:;">A+</a> '
                "</div> "
                '<div class="asset-full-content show-asset-title"> <!-- --> '
                f'<div class="asset-content" id="_101_{article.id}"> <div class="sapo-wrapper clearfix"> '
                f'<p class="sapo"> <strong>{esc(article.sapo)}</strong> </p> </div> '
                f'<div class="journal-content-article"> {self.body(article)}</div> </div> </div> '
                '<div class="asset-tools"> <a class="print" href="javascript:window.print();">In trang</a> '
                '<a class="email" href="javascript:;">Gửi email</a> '
                '<a class="share" href="javascript:;">Chia sẻ</a> </div> '
                '<div class="related_asset"> <div class="related_asset_title">Các tin khác</div> '
                f'<ul class="related_asset_list"> {related}</ul> </div> '
                "</div> </div> </div> </div> </section> </div> ",
                self._bottom(article.url),
            )
        )

    @staticmethod
    def body(article: ReplicaArticle) -> str:
        """The inside of ``div.journal-content-article``: paragraphs, photos with captions, links, the author."""
        parts = ["<p>&nbsp;</p> "]
        for kind, index in article.layout:
            if kind == "p":
                parts.append(f'<p style="text-align: justify;">{esc(article.body[index])}</p> ')
            elif kind == "img":
                photo = article.images[index]
                parts.append(
                    f'<p style="text-align: center;"><img alt="{esc(photo.alt)}" src="{esc(photo.url)}" /></p> '
                )
                if photo.caption is not None:
                    parts.append(f'<p style="text-align: center;"><em>{esc(photo.label + photo.caption)}</em></p> ')
            else:
                doc = article.attachments[index]
                parts.append(f'<p style="text-align: justify;"><a href="{esc(doc.url)}">{esc(doc.title)}</a></p> ')
        author = esc(article.author)
        parts.append(f'<p style="text-align: right;"><strong>{author}</strong></p> ')
        parts.append(f'<p align="right" class="view-content-author"> <strong><em>{author}</em></strong> </p> ')
        return "".join(parts)

    @_consistent
    def malformed_article(self, article: ReplicaArticle, origin: str) -> str:
        """The article page as a broken CMS template emits it: junk, unclosed and stray tags.

        What a tolerant HTML parser (lxml, html5lib) recovers from, so the title, date, sapo and body are still
        in their elements: text before the doctype, every ``</p>`` of the body missing, ``<span>`` and
        ``<strong>`` left open in the title and the sapo, stray closing tags and raw ``<``/``&`` after the
        content, an unclosed ``<table>`` in the side column, no ``</body></html>`` and an unclosed comment.
        """
        page = self.article(article, origin)
        title = f'<div class="asset-full-content-title">{esc(article.title)}</div>'
        page = page.replace(
            title, f'<div class="asset-full-content-title"><span class="title">{esc(article.title)}</div>'
        )
        page = page.replace(f"<strong>{esc(article.sapo)}</strong>", f"<strong>{esc(article.sapo)}")
        start = page.index('<div class="journal-content-article">')
        end = page.index('<div class="asset-tools">')
        body = page[start:end].replace("</p>", "")
        page = page[:start] + body + "</span></font></td></tr> <<< >>> & &&amp; <?xml ?> " + page[end:]
        page = page.replace(
            '<div class="portlet-column portlet-column-last span3"',
            '<table><tr><td><div class="portlet-column portlet-column-last span3"',
        )
        page = page.replace("</body> </html>", "<!-- lfr-end ")
        return "null\r\nï»¿" + page

    @_consistent
    def missing_article(self, origin: str, path: str, message: str) -> str:
        """The article template without an article, as a portal answers (with 200) for one it deleted: the
        layout, an empty title and content block, and ``message`` ("Bài viết không tồn tại", or nothing)."""
        return (
            self._head(self.site.name, origin, path, "")
            + self._top(None)
            + '<div class="portlet-body"> <div class="asset-full-content-title"></div> '
            + f'<div class="journal-content-article"> <p>{esc(message)}</p> </div> </div> '
            + self._bottom("404")
        )

    def not_found(self, origin: str, path: str) -> str:
        """Liferay's "not found" page inside the portal layout (status 404)."""
        return (
            self._head(f"Không tìm thấy - {self.site.name}", origin, path, "")
            + self._top(None)
            + '<div class="portlet-msg-error"> Không tìm thấy tài nguyên được yêu cầu. </div> '
            + f"<p>{esc(path)}</p> "
            + self._bottom("404")
        )

    @_consistent
    def error(self, origin: str, path: str) -> str:
        """Liferay's error page inside the portal layout (status 500)."""
        return (
            self._head(f"Lỗi - {self.site.name}", origin, path, "")
            + self._top(None)
            + '<div class="portlet-msg-error"> Đã xảy ra lỗi hệ thống không mong muốn. </div> '
            + "<p>com.liferay.portal.kernel.exception.SystemException: java.lang.NullPointerException</p> "
            + self._bottom("500")
        )


@lru_cache(maxsize=64)
def _page_menu(slug: str, delta: int, pages: int) -> str:
    """The pager's drop-down of every page; the same on all pages of a list, so it is kept (bounded LRU).

    Liferay lists every page there (the 25-page fixture has 25 entries): 400 entries for a 4,000-article list.
    """
    return "".join(
        f'<li class="custom-paging" role="presentation"> <a href="{esc(list_path(slug, n, delta))}" '
        f'class=" taglib-icon" id="_101_kldx_column1_1_menu_{n}" role="menuitem" > '
        f'<span class="taglib-text-icon">{n}</span> </a> </li> '
        for n in range(1, pages + 1)
    )


#: The bare page a Tomcat in front of the portal sends while it is overloaded (status 503).
UNAVAILABLE_PAGE = (
    "<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body>"
    "<h1>Service Unavailable</h1><p>Hệ thống đang quá tải, vui lòng thử lại sau.</p></body></html>"
)

#: What a misconfigured image servlet sends instead of a picture: a login page.
LOGIN_PAGE = (
    '<!DOCTYPE html> <html class="aui ltr" dir="ltr" lang="vi-VN"> <head> <title>Đăng nhập - '
    f'{esc(corpus.PORTAL_NAME)}</title> </head> <body> <div class="portlet-msg-error"> Bạn không có quyền xem tài '
    'nguyên này. Vui lòng đăng nhập. </div> <form action="/c/portal/login" method="post"> <input name="login" '
    'type="text" /> <input name="password" type="password" /> </form> </body> </html>'
)
