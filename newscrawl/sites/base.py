"""The shape of a site definition: everything the crawler knows about one publisher site.

A site of the publisher's CMS is data, not code: hosts, sections and CSS/XPath selectors. The spider
reads a :class:`SiteDefinition` and never hard-codes any of it, so a sister site is a new definition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from functools import cached_property


@dataclass(frozen=True)
class Section:
    """One section of a site: ``key`` is what users pass in ``-a sections=``."""

    key: str
    id: str
    name: str
    kind: str = "news"  # "news" (dateline under the image) or "opinion" (byline, writers' pages)
    # True when the listing is built in the browser (JSON + "load more"): only a browser sees its links.
    render: bool = False
    # English slug of the section in the site's feed URLs (``/sports/rss.xml``); empty: the key. Seen
    # live for arabstoday's ``sports`` and the ``health`` sections of almaghribtoday/casablancatoday;
    # every other slug is an assumption (the key) to verify on the live site.
    slug: str = ""

    @property
    def feed_slug(self) -> str:
        return self.slug or self.key


@dataclass(frozen=True)
class RenderConfig:
    """How a listing rendered in the browser is completed: what to click, what to wait for, how often.

    Declared per site so the spider holds no page-specific JavaScript knowledge.
    """

    load_more: str = "button.load-more"  # clicked until it disappears (the list is exhausted)
    list_entry: str = "div.news-list div.news-item"  # present once the list has entries
    max_clicks: int = 50  # bound on clicks per page, so a button that never goes away cannot loop
    step_timeout_ms: int = 10_000  # wait for each batch of entries after a click


@dataclass(frozen=True)
class Selectors:
    """CSS selectors of a site's pages, each the most robust anchor known, with fallbacks.

    Every field is a CSS selector string; several alternatives are joined with ``,`` and the
    first match in document order wins unless the field says otherwise.
    """

    # listing (section) pages
    listing_entry: str = "div.news-list div.news-item"
    entry_link: str = "h3.news-title a::attr(href)"
    entry_title: str = "h3.news-title a"
    entry_summary: str = "p.news-summary"
    entry_thumbnail: str = "a.thumb img::attr(src)"
    entry_stamp: str = "span.news-date"
    next_page: str = "div.pagination a[rel=next]::attr(href)"
    # article pages: the article container, then selectors relative to it (so each one searches
    # the article, not the whole page); head selectors are searched in <head> first
    article: str = "article"
    canonical: str = "link[rel=canonical]::attr(href)"
    title: str = "h1.article-title"
    title_fallback: str = "meta[property='og:title']::attr(content)"
    updated: str = ".last-update"
    brand: str = ".site-label"
    subtitle: str = "h2.article-subtitle"
    image_lazy: str = "figure.article-image img::attr(data-src)"  # lazy images: the real URL
    image: str = "figure.article-image img::attr(src)"
    image_fallback: str = "meta[property='og:image']::attr(content)"
    image_caption: str = "figure.article-image figcaption"
    body_paragraphs: str = "div.article-body > p"
    # the first body paragraph is the dateline (news) or the byline (opinion) when it matches these
    # (it is also recognised by its text pattern when the class is missing)
    dateline_paragraph: str = "p.dateline"
    byline_paragraph: str = "p.byline"
    writer_name: str = ".writer-box .writer-name"
    related_items: str = "section.related-news li"
    related_title: str = "a"  # the link element; its text is the title
    related_link_attr: str = "href"
    related_stamp: str = ".news-date"
    json_ld: str = "script[type='application/ld+json']::text"


#: The :class:`Selectors` of listing pages; the other CSS ones are of article pages. ``related_link_attr``
#: is an attribute name, not a selector.
LISTING_SELECTORS: tuple[str, ...] = ("listing_entry", "entry_link", "entry_title", "entry_summary",
                                      "entry_thumbnail", "entry_stamp", "next_page")
ARTICLE_SELECTORS: tuple[str, ...] = tuple(
    f.name for f in fields(Selectors) if f.name not in LISTING_SELECTORS and f.name != "related_link_attr")

#: Lines the CMS prints around every article (comment form, footer, widgets): never article text.
CMS_NOISE_LINES: tuple[str, ...] = (
    "الإسم *",
    "البريد الألكتروني *",
    "عنوان التعليق *",
    "تعليق *",
    ": Characters Left",
    "إلزامي *",
    "شروط الاستخدام",
    "اُوافق على شروط الأستخدام",
    "Security Code*",
    "Maintained and developed by Arabs Today Group SAL",
    "أخر الأخبار",
)


def mirror_origins(host: str, scheme: str = "https") -> tuple[str, ...]:
    """The hosts the network serves a site's content from besides ``www.<host>`` (publisher notes):
    the bare domain and the ``mail.``, ``android.``, ``autodiscover.`` and ``host.`` subdomains."""
    prefixes = ("", "mail.", "android.", "autodiscover.", "host.")
    return tuple(f"{scheme}://{prefix}{host}" for prefix in prefixes)


@dataclass(frozen=True)
class SiteDefinition:
    """A publisher site of the CMS: where it lives, its sections, and how to read its pages."""

    key: str
    name: str
    brand: str  # the label line its pages print, without the trailing " -"
    base_url: str
    mirrors: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    section_path: str = "/section/{id}"  # listing of a news section
    writers_path: str = "/writers"  # listing of the opinion columns
    page_param: str = "page"
    timezone: str = "UTC"  # zone of local (non-GMT) stamps the site prints
    # Path of an article page: news /<sectionId>/<articleId>-<slug>, opinion /w-<writerId>/<articleId>-<slug>,
    # AMP copies under /amp/. Named groups: ``section`` (section or writer id) and ``id``.
    article_path: str = r"^/(?:amp/)?(?P<section>w-\d+|\d+)/(?P<id>\d+)(?:-[^/]*)?/?$"
    selectors: Selectors = field(default_factory=Selectors)
    render: RenderConfig = field(default_factory=RenderConfig)  # listings of ``Section.render`` sections
    noise_lines: tuple[str, ...] = CMS_NOISE_LINES
    # Prefixes of noise paragraphs: the comment rules, the copyright line.
    noise_prefixes: tuple[str, ...] = ("شروط النشر:", "جميع الحقوق محفوظة")
    # Article and writer ids are per site *family* (publisher notes): sites that share one id space
    # (a site and the hosts that copy it) share a family; empty means the site is its own family.
    family: str = ""
    # A local update stamp names its zone: emiratesvoice prints ``آخر تحديث 21:44:11 بتوقيت أبوظبي``
    # (``timezone`` Asia/Dubai). None: the stamp is in GMT, as on arabstoday.
    update_zone_label: str | None = None
    amp_prefix: str = "/amp"  # AMP copies: the same article under this path prefix
    # Discovery without listings (``-a discover=``). Feed shapes from public news-reader configurations
    # (not checked live): the site feed ``/ar/rss`` (arabstoday; ``/rss`` on almaghribtoday), per-section
    # feeds by an English slug ``/<slug>/rss.xml`` (arabstoday, almaghribtoday, casablancatoday) and tag
    # feeds by an Arabic slug ``/rss/<tag>`` (almaghribtoday). That a sister site has the same shapes,
    # the sitemap and the by-id path are assumptions to verify (the replica serves them all).
    rss_paths: tuple[str, ...] = ("/ar/rss",)
    section_rss_path: str = "/{slug}/rss.xml"
    tag_rss_path: str = "/rss/{tag}"
    sitemap_path: str = "/sitemap.xml"  # used when robots.txt names no sitemap
    article_by_id_path: str = "/article/{id}"  # redirects to the canonical URL (back-fill)
    article_id_width: int = 6  # ids are zero-padded strings (``095935``)

    @cached_property
    def article_path_re(self) -> re.Pattern[str]:
        return re.compile(self.article_path)

    @property
    def family_key(self) -> str:
        """The id space of the site's articles: mirrors of one family are the same article."""
        return self.family or self.key

    @property
    def origins(self) -> tuple[str, ...]:
        """Every ``scheme://host`` the site is served from: its base URL, then its mirrors."""
        return (self.base_url, *self.mirrors)

    def section_for_path(self, section_or_writer_id: str) -> Section | None:
        """The section of an article path's first segment (a section id, or ``w-<writerId>``)."""
        if section_or_writer_id.startswith("w-"):
            return next((s for s in self.sections if s.kind == "opinion"), None)
        return next((s for s in self.sections if s.id == section_or_writer_id and s.kind != "opinion"), None)

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        known = ", ".join(s.key for s in self.sections)
        raise KeyError(f"unknown section {key!r} for site {self.key!r}; known: {known}")

    def section_feed_path(self, section: Section) -> str:
        """Path of the RSS feed of ``section`` (by its English slug)."""
        return self.section_rss_path.format(slug=section.feed_slug)

    def tag_feed_path(self, tag: str) -> str:
        """Path of the RSS feed of a tag (an Arabic slug such as ``المدينة-طنجة``), not yet encoded."""
        return self.tag_rss_path.format(tag=tag)

    def listing_section(self, path: str) -> Section | None:
        """The section whose listing (first or later page) is at ``path``, or None."""
        path = path.rstrip("/") or "/"
        return next((s for s in self.sections if self.listing_path(s).rstrip("/") == path), None)

    def listing_path(self, section: Section) -> str:
        """Path of the first listing page of ``section``."""
        if section.kind == "opinion":
            return self.writers_path
        return self.section_path.format(id=section.id)
