"""newscrawl.extract: structured-data fallbacks when the page's markup has moved.

The end-to-end tests cover the normal markup through the engine; this covers a page whose article
markup the selectors no longer find, as a redesign of the live site would leave it.
"""

import json

from scrapy.http import HtmlResponse

from newscrawl.extract import ListingEntry, article_identity, article_key, load_article
from newscrawl.sites import get_site

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
