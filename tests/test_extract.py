"""newscrawl.extract: structured-data fallbacks when the page's markup has moved.

The end-to-end tests cover the normal markup through the engine; this covers a page whose article
markup the selectors no longer find, as a redesign of the live site would leave it.
"""

import json

import pytest
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newscrawl.extract import (
    ListingEntry,
    article_identity,
    article_key,
    listing_entries,
    load_article,
    next_page_url,
)
from newscrawl.items import ARTICLE_FIELDS
from newscrawl.sites import get_site
from pipelines.text import TextCleaningPipeline

SITE = get_site("arabstoday")
URL = "https://www.arabstoday.net/40/095935-%D9%85%D8%AD"


def page(head: str, body: str) -> HtmlResponse:
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    return HtmlResponse(URL + "?utm_source=x", body=html.encode("utf-8"),
                        headers={"Content-Type": "text/html; charset=utf-8"})


def test_opengraph_and_json_ld_fill_what_the_markup_lacks():
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "عنوان من JSON-LD",
          "image": [{"url": "https://www.arabstoday.net/img/1.jpg"}], "author": {"name": "ريتا مهنا"},
          "articleBody": "الفقرة الأولى\nالفقرة الثانية"}
    head = (f'<link rel="canonical" href="{URL}"><meta property="og:title" content="عنوان OG">'
            f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>')
    item = load_article(page(head, "<div>no article markup</div>"), SITE, None)
    assert item["url"] == URL and item["article_id"] == "095935"
    assert item["title"] == "عنوان OG"  # og:title before JSON-LD's headline
    assert item["image_url"] == "https://www.arabstoday.net/img/1.jpg"
    assert item["author"] == "ريتا مهنا"
    assert item["body"] == "الفقرة الأولى\n\nالفقرة الثانية"


def test_listing_title_is_the_last_resort_and_broken_json_ld_is_ignored():
    entry = ListingEntry(url=URL, section="syria", title="عنوان القائمة", summary="ملخص", thumbnail=None,
                         stamp="GMT 10:18 2025 الثلاثاء ,22 إبريل / نيسان")
    body = '<article><div class="article-body"><p>نص</p></div></article>'
    item = load_article(page('<script type="application/ld+json">{broken</script>', body), SITE, entry)
    assert item["title"] == "عنوان القائمة"
    assert item["url"] == URL  # no canonical link: the fetched URL without its tracking query
    assert item["published_raw"] == entry.stamp and item["summary"] == "ملخص"
    assert item["body"] == "نص"


def test_identity_ignores_host_copy_and_url_spelling():
    assert article_key(SITE, URL + "/") == ("40", "095935")
    assert article_key(SITE, "https://www.arabstoday.net/section/40") is None
    same = {article_identity(SITE, u) for u in (URL, "https://mail.arabstoday.net/40/095935-x",
                                                 "https://www.arabstoday.net/amp/40/095935-%D9%85")}
    assert len(same) == 1


def _article(url: str, label: str = '<div class="site-label"> العرب اليوم -</div>') -> HtmlResponse:
    body = (f'<article><h1 class="article-title">عنوان</h1>{label}'
            '<div class="article-body"><p>نص</p></div></article>')
    return HtmlResponse(url, body=f"<html><head></head><body>{body}</body></html>".encode(),
                        headers={"Content-Type": "text/html; charset=utf-8"})


def test_section_comes_from_the_articles_own_url():
    """A listing of another section (a "most read" block, a tracking link) names the article: its
    own section id says where it belongs; the listing's section only when the definition lacks the id."""
    other = ListingEntry(url=URL, section="writers", title=None, summary=None, thumbnail=None, stamp=None)
    assert load_article(_article(URL), SITE, other)["section"] == "syria"  # /40/ is syria
    column = "https://www.arabstoday.net/w-346/034806-x"
    assert load_article(_article(column), SITE, other)["section"] == "writers"
    unknown = "https://www.arabstoday.net/999/000001-x"
    assert load_article(_article(unknown), SITE, other)["section"] == "writers"
    assert load_article(_article(unknown), SITE, None)["section"] is None
    assert load_article(_article("https://www.arabstoday.net/about"), SITE, other)["section"] == "writers"


def test_brand_is_the_labels_own_line():
    unclosed = '<div class="site-label"> العرب اليوم -<h2>عنوان فرعي</h2><p>فقرة طويلة</p>'
    assert load_article(_article(URL, unclosed), SITE, None)["brand"] == "العرب اليوم"
    nested = '<div class="site-label"><span> صوت الإمارات -</span></div>'
    assert load_article(_article(URL, nested), SITE, None)["brand"] == "صوت الإمارات"
    assert load_article(_article(URL, ""), SITE, None)["brand"] is None


# --- every field of the replica's pages, in process (the end-to-end crawls check the same through the
# engine; these run in milliseconds, so mutation testing sees them) -------------------------------------

REPLICA_BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def catalogue():
    from newscrawl.replica import Catalogue

    return Catalogue(articles=90, seed=11, per_page=10, faults="malformed=0.3,missing_fields=0.3")


def _html(url: str, text: str) -> HtmlResponse:
    return HtmlResponse(url, body=text.encode(), headers={"Content-Type": "text/html; charset=utf-8"})


@pytest.fixture(scope="module")
def listed(catalogue) -> dict[str, ListingEntry]:
    """Every entry of every listing page (static sections), by URL; checks each page's next link."""
    from newscrawl.replica import pages

    entries: dict[str, ListingEntry] = {}
    for section, number in catalogue.listing_pages():
        listing = catalogue.listing(section, number)
        url = f"{REPLICA_BASE}{SITE.listing_path(section)}" + (f"?page={number}" if number > 1 else "")
        response = _html(url, pages.listing_page(catalogue, listing, REPLICA_BASE))
        found = listing_entries(response, SITE, section)
        assert [e.url for e in found] == [REPLICA_BASE + a.head.path for a in listing.entries]
        assert all(e.section == section.key and e.site == "arabstoday" for e in found)
        entries.update((e.url, e) for e in found)
        following = f"{REPLICA_BASE}{SITE.listing_path(section)}?page={number + 1}"
        assert next_page_url(response, SITE) == (following if number < listing.pages else None)
    return entries


def test_listing_entries_say_what_the_listing_prints(catalogue, listed):
    static = {s.key for s in SITE.sections if not s.render}
    manifest = [a for a in catalogue.iter_manifest(REPLICA_BASE) if a["section"] in static]
    assert set(listed) == {a["url"] for a in manifest}
    for article in manifest:
        entry = listed[article["url"]]
        assert (entry.title, entry.summary, entry.stamp) == (article["title"], article["summary"],
                                                            article["listing_stamp"])
        assert entry.thumbnail and entry.thumbnail.startswith(REPLICA_BASE + "/uploads/")


def test_every_field_of_every_article_page(catalogue, listed):
    """load_article on the replica's pages (malformed and missing-field ones included) gives the
    manifest's fields — related URLs included — after the text pipeline."""
    from newscrawl.replica import breakage, pages

    crawler = get_crawler(settings_dict={})
    crawler.stats.open_spider()
    cleaning = TextCleaningPipeline.from_crawler(crawler)
    wrong = []
    for article in catalogue.iter_manifest(REPLICA_BASE):
        entry = listed.get(article["url"])
        if entry is None:
            continue  # a section built in the browser (tests/test_render.py)
        index = catalogue.find(article["section_id"] if article["kind"] != "opinion" else
                               article["url"].split("/")[3], article["article_id"]).index
        text = pages.article_page(catalogue, catalogue.article(index), REPLICA_BASE)
        if catalogue.article_faults(index).malformed:
            text = breakage.malform(text)
        item = cleaning.process_item(load_article(_html(article["url"] + "?utm_source=x", text), SITE, entry))
        expected = {
            "url": article["url"], "article_id": article["article_id"], "site": "arabstoday",
            "brand": "العرب اليوم", "section": article["section"], "title": article["title"],
            "subtitle": article["subtitle"], "author": article["author"], "dateline": article["dateline"],
            "image_url": article["image_url"], "image_caption": article["image_caption"],
            "body": "\n\n".join(article["body"]), "summary": article["summary"],
            "published_raw": article["listing_stamp"], "updated_raw": article["updated_raw"],
            "related": [{"title": r["title"], "url": r["url"], "stamp": r["stamp"]}
                        for r in article["related"]] or None,
            "language": "ar",
        }
        wrong += [(article["article_id"], k, item[k], v) for k, v in expected.items() if item[k] != v]
        assert item["crawled_at"].endswith("+00:00") and set(item) >= set(ARTICLE_FIELDS)
    assert wrong == []
    assert any(r["url"] for a in catalogue.iter_manifest(REPLICA_BASE) for r in a["related"])


# --- edge cases of the page markup, one behaviour each -------------------------------------------------

def ld_script(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def at(url: str, html: str) -> HtmlResponse:
    return HtmlResponse(url, body=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"})


def body_of(*paragraphs: str, writer: str = "") -> str:
    box = f'<div class="writer-box"><span class="writer-name">{writer}</span></div>' if writer else ""
    return (f'<article><h1 class="article-title">عنوان</h1>{box}'
            f'<div class="article-body">{"".join(paragraphs)}</div></article>')


@pytest.mark.parametrize(("paragraphs", "writer", "body", "dateline", "author"), [
    # a blank paragraph before the dateline does not hide it
    (("<p> </p>", "<p>موسكو ـ ريتا مهنا</p>", "<p>نص</p>"), "", "نص", "موسكو", "ريتا مهنا"),
    # a paragraph marked as the dateline whose text has no dateline form: its text is the author
    (('<p class="dateline">وكالة الأنباء</p>', "<p>نص</p>"), "", "نص", None, "وكالة الأنباء"),
    (('<p class="byline">سمير عطا الله</p>', "<p>نص</p>"), "", "نص", None, "سمير عطا الله"),
    # an opinion column's byline, without a writer box
    (("<p>بقلم : سمير عطا الله</p>", "<p>نص</p>"), "", "نص", None, "سمير عطا الله"),
    # the writer's name alone on the first line is the byline
    (("<p>سمير عطا الله</p>", "<p>نص</p>"), "سمير عطا الله", "نص", None, "سمير عطا الله"),
    # a writer box and an ordinary first paragraph: the paragraph is text, the writer the author
    (("<p>نص أول</p>", "<p>نص</p>"), "سمير عطا الله", "نص أول\n\nنص", None, "سمير عطا الله"),
    (("<p>نص أول</p>", "<p>نص</p>"), "", "نص أول\n\nنص", None, None),
])
def test_datelines_and_bylines(paragraphs, writer, body, dateline, author):
    item = load_article(at(URL, "<html><body>" + body_of(*paragraphs, writer=writer) + "</body></html>"),
                        SITE, None)
    assert (item["body"], item["dateline"], item["author"]) == (body, dateline, author)


def test_urls_of_the_page_are_made_absolute():
    html = ('<html><head><link rel="canonical" href="/40/095935-x">'
            '<meta property="og:image" content="/uploads/og.jpg"></head><body>'
            '<article><h1 class="article-title">عنوان</h1><div class="article-body"><p>نص</p></div></article>'
            '<section class="related-news"><ul><li><span>بلا رابط</span></li>'
            '<li><a href="#">بلا عنوان</a></li>'
            '<li><a href="/3/000002-y">خبر مرتبط</a></li><li><a href="">   </a></li>'
            '<li><a href="https://www.arabstoday.net/1/000003-z">خبر آخر</a></li></ul></section>'
            "</body></html>")
    item = load_article(at("https://mail.arabstoday.net/amp/40/095935-x?utm=1", html), SITE, None)
    assert item["url"] == "https://mail.arabstoday.net/40/095935-x"
    assert item["image_url"] == "https://mail.arabstoday.net/uploads/og.jpg"
    assert item["related"] == [
        {"title": "بلا عنوان", "url": None, "stamp": None},
        {"title": "خبر مرتبط", "url": "https://mail.arabstoday.net/3/000002-y", "stamp": None},
        {"title": "خبر آخر", "url": "https://www.arabstoday.net/1/000003-z", "stamp": None},
    ]


def test_the_canonical_link_decides_url_and_id():
    html = ('<html><head><link rel="canonical" href="https://www.arabstoday.net/40/095935-x"></head><body>'
            + body_of("<p>نص</p>") + "</body></html>")
    item = load_article(at("https://www.arabstoday.net/article/095935", html), SITE, None)
    assert (item["url"], item["article_id"], item["section"]) == (
        "https://www.arabstoday.net/40/095935-x", "095935", "syria")
    # a canonical link that is no article page (a broken CMS template): the id of the fetched URL
    home = '<html><head><link rel="canonical" href="https://www.arabstoday.net/"></head><body>'
    item = load_article(at(URL, home + body_of("<p>نص</p>") + "</body></html>"), SITE, None)
    assert (item["url"], item["article_id"]) == ("https://www.arabstoday.net/", "095935")


def test_only_the_article_and_the_head_are_read():
    """A teaser with the article's classes outside <article> (a promo card) or a canonical link of an
    embedded card in the body are not this article's."""
    html = ('<html><head></head><body><div class="promo"><h1 class="article-title">إعلان</h1>'
            '<link rel="canonical" href="https://www.arabstoday.net/3/000009-promo"></div>'
            + body_of("<p>نص</p>") + "</body></html>")
    item = load_article(at(URL + "#comments", html), SITE, None)
    assert (item["title"], item["url"]) == ("عنوان", URL)


def test_a_page_without_head():
    item = load_article(at(URL, "<html><body>" + body_of("<p>نص</p>") + "</body></html>"), SITE, None)
    assert (item["url"], item["title"], item["body"]) == (URL, "عنوان", "نص")


@pytest.mark.parametrize("scripts", [
    [ld_script({"@type": "NewsArticle", "headline": "عنوان LD"})],
    ["<script type='application/ld+json'>{broken</script>", ld_script({"@type": "NewsArticle",
                                                                         "headline": "عنوان LD"})],
    [ld_script("just a string"), ld_script({"@type": "NewsArticle", "headline": "عنوان LD"})],
    [ld_script(["x", {"@type": "WebPage"}, {"@type": "NewsArticle", "headline": "عنوان LD"}])],
    [ld_script({"@graph": [{"@type": "Organization"}, {"@type": "Article", "headline": "عنوان LD"}]})],
])
def test_json_ld_article_anywhere_in_the_page(scripts):
    html = ("<html><head></head><body><article><div class='article-body'><p>نص</p></div></article>"
            + "".join(scripts) + "</body></html>")
    assert load_article(at(URL, html), SITE, None)["title"] == "عنوان LD"


def test_json_ld_values_of_the_wrong_shape_are_ignored():
    ld = {"@type": "NewsArticle", "headline": "عنوان", "image": [], "author": {"name": 5},
          "articleBody": "نص من JSON-LD"}
    html = ("<html><head>" + ld_script(ld) + "</head><body><article><div class='article-body'>"
            "<p>نص الصفحة</p></div></article></body></html>")
    item = load_article(at(URL, html), SITE, None)
    assert (item["image_url"], item["author"]) == (None, None)
    assert item["body"] == "نص الصفحة"  # the markup's paragraphs before JSON-LD's articleBody
    assert load_article(at(URL, html.replace("<p>نص الصفحة</p>", "")), SITE, None)["body"] == "نص من JSON-LD"


def test_listing_entries_without_link_or_thumbnail():
    html = ('<html><body><div class="news-list">'
            '<div class="news-item"><h3 class="news-title">بلا رابط</h3></div>'
            '<div class="news-item"><h3 class="news-title">'
            '<a href="/40/000001-a?utm_source=x">خبر</a></h3></div>'
            '<div class="news-item"><a class="thumb"><img src="/t/2.jpg"></a>'
            '<h3 class="news-title"><a href="/40/000002-b#c">خبر ثان</a></h3></div>'
            '</div></body></html>')
    entries = listing_entries(at("https://www.arabstoday.net/section/40", html), SITE, SITE.section("syria"))
    assert [(e.url, e.title, e.thumbnail) for e in entries] == [
        ("https://www.arabstoday.net/40/000001-a", "خبر", None),
        ("https://www.arabstoday.net/40/000002-b", "خبر ثان", "https://www.arabstoday.net/t/2.jpg"),
    ]
    assert next_page_url(at("https://www.arabstoday.net/section/40", html), SITE) is None


def test_identity_of_a_page_that_is_no_article():
    assert article_identity(SITE, "https://www.arabstoday.net/about?x=1") == "arabstoday:/about"


def test_brand_of_strips_only_the_labels_dash():
    from newscrawl.extract import brand_of

    assert brand_of(" العرب اليوم -") == "العرب اليوم"
    assert brand_of("Sport XX -") == "Sport XX"
    assert brand_of(" ـ - ") is None and brand_of(None) is None


def test_every_field_says_where_it_comes_from():
    """``scrapy explain`` shows each field's candidates with their sources, in order of trust."""
    from newscrawl.extract import article_candidates

    entry = ListingEntry(url=URL, section="syria", title="t", summary="s", thumbnail=None, stamp="GMT",
                         source="rss")
    sources = {name: [c.source for c in candidates]
               for name, candidates in article_candidates(page("", "<p>x</p>"), SITE, entry).items()}
    sel = SITE.selectors
    assert sources == {
        "url": [f"site {sel.canonical}", "fetched URL"],
        "article_id": ["URL path"],
        "site": ["site definition"],
        "brand": [f"site {sel.brand}"],
        "section": ["URL section id", "rss section"],
        "title": [f"site {sel.title}", f"OpenGraph {sel.title_fallback}", "JSON-LD headline", "rss title"],
        "subtitle": [f"site {sel.subtitle}"],
        "author": [f"site {sel.writer_name}", f"site {sel.body_paragraphs} (dateline or byline)",
                   "JSON-LD author"],
        "dateline": [f"site {sel.body_paragraphs} (dateline)"],
        "image_url": [f"site {sel.image_lazy}", f"site {sel.image}", f"OpenGraph {sel.image_fallback}",
                      "JSON-LD image"],
        "image_caption": [f"site {sel.image_caption}"],
        "body": [f"site {sel.body_paragraphs}", "JSON-LD articleBody"],
        "summary": ["rss summary"],
        "published_raw": ["rss stamp"],
        "updated_raw": [f"site {sel.updated}"],
        "related": [f"site {sel.related_items}"],
        "language": ["constant"],
        "crawled_at": ["clock"],
    }
    listed = article_candidates(page("", "<p>x</p>"), SITE, None)
    assert [c.source for c in listed["title"]][-1] == "listing title"


def test_choose_skips_empty_candidates():
    from newscrawl.extract import Candidate, choose

    assert choose("summary", (Candidate("a", None), Candidate("b", ""), Candidate("c", []),
                              Candidate("d", "ملخص"))) == ("ملخص", 3)
    assert choose("title", (Candidate("a", "   "), Candidate("b", " عنوان  "))) == ("عنوان", 1)
    assert choose("summary", (Candidate("a", {}),)) == (None, None)


@pytest.mark.parametrize("value", [0, False, 0.0])
def test_a_falsy_value_that_is_not_text_is_no_candidate(value: object) -> None:
    """JSON-LD may hold a number or a boolean where text belongs: a falsy one normalizes to nothing,
    so the next candidate gives the field (it is not text, so it takes the loader's own processors)."""
    from newscrawl.extract import Candidate, choose

    candidates = (Candidate("JSON-LD headline", value), Candidate("listing title", " عنوان "))
    assert choose("title", candidates) == ("عنوان", 1)
    body = (Candidate("JSON-LD articleBody", value), Candidate("site p", ["فقرة"]))
    assert choose("body", body) == ("فقرة", 1)


@pytest.mark.parametrize("headline", [2024, True, {"@value": "عنوان"}, ["عنوان", 5], [{"name": "x"}], 0.5])
def test_a_json_ld_headline_that_is_not_text_is_ignored(headline: object) -> None:
    # Reached when the page has no title of its own: it used to go to the loader's processors, which
    # raised, and the page's callback failed. Now it is no candidate: the title stays empty (validation
    # reports it), the rest of the page is read.
    ld = {"@type": "NewsArticle", "headline": headline}
    html = ("<html><head>" + ld_script(ld) + "</head><body><article><div class='article-body'><p>نص</p>"
            "</div></article></body></html>")
    item = load_article(at(URL, html), SITE, None)
    assert (item["title"], item["body"]) == (None, "نص")
    ld["headline"] = "عنوان"
    assert load_article(at(URL, html.replace(ld_script({"@type": "NewsArticle", "headline": headline}),
                                             ld_script(ld))), SITE, None)["title"] == "عنوان"


def test_a_page_without_body_text_has_no_body():
    html = "<html><head></head><body><article><h1 class='article-title'>عنوان</h1></article></body></html>"
    assert load_article(at(URL, html), SITE, None)["body"] is None


@pytest.mark.parametrize("value", [
    "", "  ", " عنوان  المقال\u200f ", "a\u00a0b", ["", " أول ", "\n", "ثان\x1b"], [], ["\u200e"],
    "\ufffd", ["x", "  y  z "],
])
def test_text_processors_agree_with_the_article_loader(value: object) -> None:
    """load_article's shortcut for text candidates gives what the ArticleLoader's processors give."""
    from newscrawl.extract import _PROCESSORS, _TEXT_PROCESSORS

    for name, (take_in, take_out) in _PROCESSORS.items():
        fast_in, fast_out = _TEXT_PROCESSORS[name]
        expected = take_in(value)
        assert fast_in(value) == expected, name
        if expected:
            assert fast_out(fast_in(value)) == take_out(expected), name


@pytest.mark.parametrize("inner", [
    "نص عادي", "", "&amp; &lt;b&gt; &#x41; &nbsp;x", "سطر\nثان\t ", "<b>غامق</b> بعده", "قبل<br>بعد<br/>",
    "أ<!-- تعليق -->ب", "<?pi x?>ج", "<span></span>", "<script>var a = 1;</script>", "<![CDATA[c]]>د",
])
def test_raw_text_of_an_element_without_children_is_its_text_content(inner: str) -> None:
    """raw_text's shortcut (an element without children: its own text) against lxml.html's
    text_content(), on elements with and without children."""
    from newscrawl.selectors import page_root, raw_text

    html = f"<html><body><p>{inner}</p><div>{inner}</div><td>{inner}</td></body></html>"
    nodes = list(page_root(HtmlResponse(URL, body=html.encode(), encoding="utf-8")).iter("p", "div", "td"))
    assert len(nodes) == 3
    for node in nodes:
        if node.find(".//br") is None:  # a <br> is a space in raw_text, not in text_content
            assert raw_text(node) == node.text_content()
