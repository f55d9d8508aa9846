"""Byte- and markup-level damage of fault pages: broken HTML, legacy charsets, error and huge pages.

Pure functions over the HTML that :mod:`newscrawl.replica.pages` renders; the server decides when to
apply them (see :class:`newscrawl.replica.catalogue.ArticleFaults`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

LEGACY_CHARSET = "windows-1256"
UTF8_META = '<meta charset="utf-8">'
#: How a windows-1256 page declares its charset: Content-Type header value and the meta that replaces
#: the UTF-8 one ("" drops it), per :data:`newscrawl.replica.faults.ENCODING_VARIANTS`.
CHARSET_DECLARATIONS: dict[str, tuple[str, str]] = {
    "header": (f"text/html; charset={LEGACY_CHARSET}", f'<meta charset="{LEGACY_CHARSET}">'),
    "meta": ("text/html", f'<meta charset="{LEGACY_CHARSET}">'),
    "http-equiv": (
        "text/html",
        f'<meta http-equiv="Content-Type" content="text/html; charset={LEGACY_CHARSET}">',
    ),
    "none": ("text/html", ""),
    "mislabeled": ("text/html; charset=utf-8", UTF8_META),
}
PADDING_CHUNK = 64 * 1024
_PADDING_LINE = b"replica padding: an oversized page, " + b"=" * 91 + b"\n"  # 128 bytes

_SITE_LABEL = re.compile(r'(<div class="site-label">[^<]*)</div>')
_BODY = re.compile(r'<div class="article-body">.*?\n</div>\n<div class="article-source">', re.S)
_RELATED = re.compile(r'<section class="related-news">.*?</section>', re.S)
_SOURCE = '<div class="article-source">'
_SIDEBAR = '\n<div class="col-side">'
_SHARE = re.compile(r'(href="https://share\.example/[a-z]+)\?u=')
_TAGS = '<div class="article-tags">وسوم: سياسة & اقتصاد & مجتمع</div>\n'
_STRAY = "\n</html>\n<!-- a stray end tag above: the CMS concatenates templates -->"


def legacy_page(html: str, variant: str) -> tuple[str, bytes]:
    """``(content type, body)`` of a page re-encoded in windows-1256, declared as ``variant`` says."""
    content_type, meta = CHARSET_DECLARATIONS[variant]
    text = html.replace(UTF8_META, meta, 1)
    return content_type, text.encode(LEGACY_CHARSET, errors="xmlcharrefreplace")


def malform(html: str) -> str:
    """The article page with broken markup whose fields a lenient parser (lxml) still recovers.

    * the ``div.site-label`` is never closed (what follows nests in it, inside the article);
    * no body paragraph (dateline included) and no related item is closed (``</p>``, ``</li>``);
    * raw ``&`` in text and in URLs (share links, a tags line);
    * a stray ``</html>`` once the article's fields are over (after the related list and the comment
      form, before the sidebar): libxml2 ≥ 2.14 (lxml 6) stops parsing at ``</html>``, so one inside
      the body would lose paragraphs for any lxml-based crawler, while a browser ignores it anywhere.
    """
    html = _SITE_LABEL.sub(r"\1", html, count=1)
    html = _BODY.sub(lambda m: m[0].replace("</p>", ""), html, count=1)
    html = _RELATED.sub(lambda m: m[0].replace("</li>", ""), html, count=1)
    html = _SHARE.sub(r"\1?lang=ar&ref=article&u=", html)
    html = html.replace(_SOURCE, _TAGS + _SOURCE, 1)
    at = html.find(_SIDEBAR)
    if at >= 0:
        html = html[:at] + _STRAY + html[at:]
    return html


def oversized_parts(body: bytes, padding: int) -> tuple[bytes, bytes]:
    """``body`` split where ``padding`` bytes of HTML comment go (before ``</body>``)."""
    at = body.rfind(b"</body>")
    if at < 0:
        at = len(body)
    return body[:at] + b"<!--\n", b"-->\n" + body[at:]


def padding_chunks(size: int) -> Iterator[bytes]:
    """``size`` bytes of comment text in chunks of :data:`PADDING_CHUNK`, built lazily."""
    block = _PADDING_LINE * (PADDING_CHUNK // len(_PADDING_LINE))
    while size > 0:
        chunk = block[: min(size, len(block))]
        size -= len(chunk)
        yield chunk


def error_page(status: int, phrase: str) -> str:
    """The small page a front proxy answers an upstream failure with (nginx style)."""
    return (
        f"<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    )


__all__ = ["error_page", "legacy_page", "malform", "oversized_parts", "padding_chunks"]
