"""newscrawl.middlewares: encoding fallback (pure part and on real Scrapy responses)."""

import gzip
import random

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newscrawl.middlewares import (
    ArabicEncodingMiddleware,
    OffsiteRedirect,
    OriginOffsiteMiddleware,
    UndecodablePage,
    reread_encoding,
    undeclared_encoding,
    undecodable_share,
)
from newscrawl.network import origin_of

TEXT = "<html><body><p>محادثات أميركية ـــ روسية</p></body></html>"


def test_undeclared_encoding_tells_utf8_from_windows_1256():
    assert undeclared_encoding(TEXT.encode("utf-8"), ("utf-8", "cp1256")) == "utf-8"
    assert undeclared_encoding(TEXT.encode("cp1256"), ("utf-8", "cp1256")) == "cp1256"
    assert undeclared_encoding(b"\x81\x8d\x8f\x90", ("utf-8",)) is None


def _middleware() -> ArabicEncodingMiddleware:
    return ArabicEncodingMiddleware.from_crawler(get_crawler(settings_dict={
        "NEWSCRAWL_FALLBACK_ENCODINGS": ["utf-8", "cp1256"]}))


def test_undeclared_page_decodes_as_windows_1256():
    response = HtmlResponse("http://x/", body=TEXT.encode("cp1256"), headers={"Content-Type": "text/html"})
    fixed = _middleware().process_response(None, response)
    assert fixed.encoding == "cp1256"
    assert "محادثات أميركية ـــ روسية" in fixed.text


def test_declared_pages_are_left_alone():
    for headers, meta in (({"Content-Type": "text/html; charset=windows-1256"}, ""),
                          ({"Content-Type": "text/html"}, '<meta charset="windows-1256">')):
        body = TEXT.replace("<html>", f"<html><head>{meta}</head>").encode("cp1256")
        response = HtmlResponse("http://x/", body=body, headers=headers)
        assert _middleware().process_response(None, response) is response
        assert "محادثات" in response.text


ARTICLE = ("<html><head>{meta}</head><body><h1>محادثات أميركية ـــ روسية لتنسيق تحركات قوات التحالف</h1>"
           "<p>أعلنت مصادر روسية وأميركية أن رئيس الأركان الروسي أجرى محادثات مع نظيره الأميركي</p>"
           "</body></html>")


def _response(body: bytes, content_type: str = "text/html; charset=utf-8") -> HtmlResponse:
    return HtmlResponse("http://x/40/1-a", body=body, headers={"Content-Type": content_type})


def _stats_middleware(**settings) -> ArabicEncodingMiddleware:
    crawler = get_crawler(settings_dict={"NEWSCRAWL_FALLBACK_ENCODINGS": ["utf-8", "cp1256"], **settings})
    crawler.stats.open_spider()
    return ArabicEncodingMiddleware.from_crawler(crawler)


def test_undecodable_share():
    assert undecodable_share("محادثات") == 0.0
    assert undecodable_share("") == 0.0 and undecodable_share("ascii only") == 0.0
    assert undecodable_share("\ufffd") == 1.0  # a literal U+FFFD counts like a decoding error
    assert undecodable_share("<p>\ufffd\ufffdمح</p>") == 0.5
    assert undecodable_share(ARTICLE.encode("cp1256").decode("utf-8", "replace")) > 0.95


def test_windows_1256_bytes_served_as_utf8_are_re_read():
    """The issue's page: the header (and meta) say UTF-8, the bytes are windows-1256."""
    middleware = _stats_middleware()
    body = ARTICLE.format(meta='<meta charset="utf-8">').encode("cp1256")
    fixed = middleware.process_response(None, _response(body))
    assert fixed.encoding == "cp1256"
    assert "محادثات أميركية ـــ روسية" in fixed.text and "\ufffd" not in fixed.text
    assert middleware.stats.get_value("encoding/misdeclared/cp1256") == 1


def test_the_meta_charset_wins_over_a_wrong_header():
    middleware = _stats_middleware(NEWSCRAWL_FALLBACK_ENCODINGS=["utf-8"])  # no windows-1256 fallback
    body = ARTICLE.format(meta='<meta charset="windows-1256">').encode("cp1256")
    fixed = middleware.process_response(None, _response(body))
    assert fixed.encoding == "cp1256" and "محادثات" in fixed.text


def test_a_page_no_encoding_reads_fails_with_a_reason():
    middleware = _stats_middleware(NEWSCRAWL_FALLBACK_ENCODINGS=["utf-8"])
    body = ARTICLE.format(meta="").encode("cp1256")
    with pytest.raises(UndecodablePage) as raised:
        middleware.process_response(None, _response(body))
    assert raised.value.reason == "bad_encoding"
    assert "undecodable as utf-8" in str(raised.value)


def test_binary_bytes_are_not_taken_for_windows_1256_text():
    """A compressed body served as text: windows-1256 decodes any byte, but to NULs and controls."""
    body = gzip.compress(ARTICLE.format(meta="").encode("utf-8") * 20, mtime=0)
    assert undecodable_share(body.decode("utf-8", "replace")) > 0.5  # mostly undecodable: re-read tried
    with pytest.raises(UndecodablePage):
        _stats_middleware().process_response(None, _response(body))


def test_mixed_encodings_are_not_re_read_as_one():
    """A UTF-8 page with a windows-1256 paragraph: a fifth of its text undecodable, no encoding reads all."""
    text = ARTICLE.format(meta="")
    body = text.encode("utf-8") * 4 + text.encode("cp1256")
    with pytest.raises(UndecodablePage):
        _stats_middleware().process_response(None, _response(body))


def test_a_few_stray_bytes_are_kept_and_counted():
    middleware = _stats_middleware()
    body = ARTICLE.format(meta="").encode("utf-8") * 3 + b"\xff"
    response = _response(body)
    assert middleware.process_response(None, response) is response
    assert middleware.stats.get_value("encoding/undecodable_pages") == 1
    strict = _stats_middleware(NEWSCRAWL_MAX_UNDECODABLE_SHARE=0.0)
    with pytest.raises(UndecodablePage):
        strict.process_response(None, _response(body))


def test_clean_pages_cost_nothing_and_count_nothing():
    middleware = _stats_middleware()
    response = _response(ARTICLE.format(meta="").encode("utf-8"))
    assert middleware.process_response(None, response) is response
    assert middleware.stats.get_stats() == {}


def test_reread_encoding():
    body = "نص عربي".encode("cp1256")
    assert reread_encoding(body, ("utf-8", "cp1256"), "utf-8") == "cp1256"
    assert reread_encoding(body, ("windows-1256",), "cp1256") is None  # the same codec is not re-tried
    assert reread_encoding(body, ("no-such-codec", "utf-8"), "ascii") is None
    assert reread_encoding(b"\x00\x01ab", ("cp1256",), "utf-8") is None  # controls: not text


class _Spider(Spider):
    name = "origins"


def _offsite(origins=None, domains=("127.0.0.1",)) -> OriginOffsiteMiddleware:
    crawler = get_crawler(_Spider)
    crawler.stats.open_spider()
    crawler.spider = _Spider()
    crawler.spider.allowed_domains = list(domains)
    if origins is not None:
        crawler.spider.allowed_origins = origins
    middleware = OriginOffsiteMiddleware.from_crawler(crawler)
    middleware.spider_opened(crawler.spider)
    return middleware


ORIGINS = frozenset({"http://127.0.0.1:8000", "https://www.arabstoday.net:443"})


@pytest.mark.parametrize(("url", "follow"), [
    ("http://127.0.0.1:8000/40/1-a", True),
    ("HTTP://127.0.0.1:8000/40/1-a", True),
    ("http://127.0.0.1:9000/40/1-a", False),  # the case: same host, another port
    ("https://127.0.0.1:8000/40/1-a", False),  # another scheme
    ("http://127.0.0.2:8000/40/1-a", False),
    ("https://www.arabstoday.net/40/1-a", True),  # default port
    ("https://www.arabstoday.net:443/40/1-a", True),
    ("https://www.arabstoday.net:8443/40/1-a", False),
    ("http://www.arabstoday.net/40/1-a", False),
    ("https://sub.www.arabstoday.net/40/1-a", False),  # Scrapy's rule would let a subdomain through
])
def test_offsite_compares_scheme_host_and_port(url, follow):
    middleware = _offsite(ORIGINS, domains=("127.0.0.1", "www.arabstoday.net"))
    assert middleware.should_follow(Request(url), middleware.crawler.spider) is follow
    assert origin_of(url) in ORIGINS or not follow


def test_without_allowed_origins_scrapys_host_rule_applies():
    middleware = _offsite(None)
    assert middleware.should_follow(Request("http://127.0.0.1:9000/x"), middleware.crawler.spider)
    assert not middleware.should_follow(Request("http://offsite.example/x"), middleware.crawler.spider)


def test_an_offsite_redirect_fails_the_request_instead_of_vanishing():
    middleware = _offsite(ORIGINS)
    redirected = Request("http://127.0.0.1:9000/40/1-a",
                         meta={"redirect_urls": ["http://127.0.0.1:8000/40/1-a"]})
    middleware.request_scheduled(redirected, middleware.crawler.spider)  # not dropped silently here
    with pytest.raises(OffsiteRedirect) as raised:
        middleware.process_request(redirected)
    assert raised.value.reason == "offsite_redirect"
    assert "http://127.0.0.1:8000/40/1-a -> http://127.0.0.1:9000/40/1-a" in str(raised.value)
    stats = middleware.crawler.stats
    assert stats.get_value("offsite/redirects_refused") == 1 and stats.get_value("offsite/filtered") == 1


def test_requests_the_spider_yields_are_filtered_as_scrapy_does():
    middleware = _offsite(ORIGINS)
    spider = middleware.crawler.spider
    with pytest.raises(IgnoreRequest) as raised:
        middleware.request_scheduled(Request("http://127.0.0.1:9000/x"), spider)
    assert not isinstance(raised.value, OffsiteRedirect)
    middleware.process_request(Request("http://127.0.0.1:8000/x"))  # on site: let through
    middleware.process_request(Request("http://127.0.0.1:9000/x", meta={"redirect_urls": ["u"]},
                                       dont_filter=True))  # dont_filter is kept
    same_site = Request("http://127.0.0.1:8000/40/1-b", meta={"redirect_urls": ["http://127.0.0.1:8000/a"]})
    middleware.process_request(same_site)
    assert middleware.crawler.stats.get_value("offsite/filtered") == 1


def test_quick_meta_refresh_redirects_exactly_as_scrapy_does() -> None:
    from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
    from scrapy.http import HtmlResponse, Request
    from scrapy.utils.test import get_crawler

    from newscrawl.middlewares import QuickMetaRefreshMiddleware

    crawler = get_crawler(settings_dict={"METAREFRESH_ENABLED": True})
    ours = QuickMetaRefreshMiddleware.from_crawler(crawler)
    scrapys = MetaRefreshMiddleware.from_crawler(crawler)
    refresh = '<html><head><META HTTP-EQUIV="Refresh" CONTENT="0; URL=/40/1-x"></head><body>ﻻ</body></html>'
    bodies = {
        "refresh, utf-8": (refresh, "utf-8"),
        "refresh, utf-16": (refresh, "utf-16"),  # not ASCII-compatible: Scrapy's own check decides
        "refresh, windows-1256": (refresh.replace("ﻻ", "لا"), "cp1256"),
        "none": ('<html><head><meta charset="utf-8"></head><body>' + "نص " * 3000 + "</body></html>",
                 "utf-8"),
        "word only in the body, far away": ("<html><body>" + "x" * 20_000 + " refresh</body></html>",
                                            "utf-8"),
    }
    for name, (text, encoding) in bodies.items():
        request = Request("http://127.0.0.1:1/page")
        responses = [HtmlResponse(request.url, body=text.encode(encoding), encoding=encoding) for _ in "ab"]
        got = ours.process_response(request, responses[0])
        expected = scrapys.process_response(request, responses[1])
        assert type(got) is type(expected), name
        if isinstance(expected, Request):
            assert got.url == expected.url, name
            assert got.url.startswith("http://127.0.0.1:1/40/1-x"), name
        else:
            assert name in ("none", "word only in the body, far away")


@pytest.mark.parametrize("seed", range(3))
def test_undecodable_share_is_the_counted_share(seed: int) -> None:
    """The shortcut for clean text against the plain formula, on random mixes of ASCII, Arabic,
    U+FFFD and a few neighbours of it (same low byte, same high byte)."""
    rng = random.Random(seed)
    alphabet = ["a", " ", "<", "م", "ح", "\u06fd", "\ufffd", "\uff0d", "\ufffc", "\U0001f600"]
    for _ in range(500):
        text = "".join(rng.choice(alphabet[:-4] if rng.random() < 0.5 else alphabet)
                       for _ in range(rng.randrange(0, 40)))
        bad = text.count("\ufffd")
        expected = bad / (len(text) - len(text.encode("ascii", "ignore"))) if bad else 0.0
        assert undecodable_share(text) == expected
