"""newscrawl.middlewares: encoding fallback (pure part and on real Scrapy responses)."""

from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newscrawl.middlewares import ArabicEncodingMiddleware, undeclared_encoding

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
