"""CSS selectors compiled once to lxml XPath, evaluated on lxml trees without parsel objects.

Site definitions keep readable CSS (with parsel's ``::text`` and ``::attr(name)``); the hot path
runs each as a precompiled :class:`lxml.etree.XPath`, so a page costs one parse and a few XPath
calls, not one :class:`parsel.Selector` object per match.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import lxml.html
from lxml import etree
from parsel.csstranslator import css2xpath
from scrapy.http import TextResponse

from newscrawl.text import normalize_space


@lru_cache(maxsize=512)
def compiled(css: str) -> etree.XPath:
    """The compiled XPath of a CSS selector (cached: each selector string is compiled once)."""
    # smart_strings=False: plain str results, which do not keep the whole page tree alive from an
    # exported field (an lxml "smart string" holds a reference to its element)
    return etree.XPath(css2xpath(css), smart_strings=False)


def select(node: Any, css: str) -> list[Any]:
    """All matches of ``css`` under ``node``: elements, or strings for ``::attr()``/``::text``."""
    return compiled(css)(node)


@lru_cache(maxsize=512)
def compiled_first(css: str) -> etree.XPath:
    """XPath of the first match only: libxml2 stops at ``(…)[1]`` instead of collecting all."""
    return etree.XPath(f"({css2xpath(css)})[1]", smart_strings=False)


def first(node: Any, css: str) -> Any | None:
    if css.isidentifier():  # a bare tag name ("article"): lxml's C iterator stops at the first one
        return next(node.iter(css), None)
    found = compiled_first(css)(node)
    return found[0] if found else None


def first_text(node: Any, css: str) -> str | None:
    """Normalized visible text (or attribute value) of the first match, None when empty."""
    found = first(node, css)
    if found is None:
        return None
    return normalize_space(raw_text(found)) or None


def first_raw(node: Any, css: str) -> str | None:
    """Visible text of the first match as in the page (whitespace not normalized), or None."""
    found = first(node, css)
    return None if found is None else raw_text(found)


def raw_text(node: Any) -> str:
    """Visible text of an element (``<br>`` counts as a space) or an attribute/text result."""
    if isinstance(node, str):
        return node
    if not len(node):  # no child (element, comment…): its own text is all of it, and holds no <br>
        return node.text or ""  # ~1/3 of text_content()'s cost, an XPath string() call
    for br in node.iter("br"):
        br.tail = " " + (br.tail or "")
    return node.text_content()


@lru_cache(maxsize=16)
def _parser(encoding: str) -> lxml.html.HTMLParser:
    return lxml.html.HTMLParser(encoding=encoding, recover=True)


def page_root(response: TextResponse) -> Any:
    """The lxml tree of a page, parsed once from its bytes with the encoding Scrapy detected."""
    try:
        root = etree.fromstring(response.body, parser=_parser(response.encoding))
    except (LookupError, ValueError, etree.LxmlError):
        root = None
    if root is None:  # unknown codec name for libxml2, or an empty document: let parsel decode
        return response.selector.root
    return root
