"""Read untrusted XML (RSS feeds, sitemaps) without letting a document take the crawl down.

Feeds and sitemaps come from the network, so each is treated as hostile until read:

* **size**: at most ``NEWSCRAWL_MAX_XML_BYTES`` (default 50 MiB, the sitemap protocol's own limit)
  before *and* after decompression. Gzip (``.xml.gz``) is inflated with Scrapy's own
  :func:`scrapy.utils.gz.gunzip` and its ``max_size`` — the bound SitemapSpider applies with
  ``DOWNLOAD_MAXSIZE`` — so a gzip bomb stops at the cap instead of filling memory;
* **entities**: a document that declares entities is refused (``xml/entities``): no billion laughs,
  no external entity (``<!ENTITY x SYSTEM "file:///etc/passwd">``). The bytes are checked first, and
  the parsed DTD again (a UTF-16 document hides its declarations from a byte search);
* **parser**: lxml with ``resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False``
  (libxml2's limits on text nodes and depth stay on) and ``recover=False``: a malformed document is
  refused whole (``xml/malformed``) rather than half-read — Scrapy's own :class:`~scrapy.utils.sitemap.
  Sitemap` parses with ``recover=True``, which would hide the damage, hence this module;
* **memory**: records are read with ``iterparse`` and each element is cleared once read, so a large
  sitemap costs its bytes plus its URLs, not a DOM.

Pure functions plus :class:`XmlRefused`; the spider counts each refusal as ``xml/<reason>``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from lxml import etree
from scrapy.utils.gz import gunzip

MAX_XML_BYTES_SETTING = "NEWSCRAWL_MAX_XML_BYTES"
DEFAULT_MAX_XML_BYTES = 50 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b\x08"
_PROLOG_SCAN = 1024 * 1024  # bytes searched for entity declarations before parsing



class XmlRefused(Exception):
    """A document not read, with the short reason counted as ``xml/<reason>``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass
class XmlDocument:
    """What was read of a document: its root element's local name and one dict per record."""

    root: str
    records: list[dict[str, Any]] = field(default_factory=list)


def xml_bytes(body: bytes, max_bytes: int = DEFAULT_MAX_XML_BYTES) -> bytes:
    """The XML of a response body: inflated when gzipped, both sizes bounded by ``max_bytes``."""
    if not body.strip():
        raise XmlRefused("empty")
    if max_bytes and len(body) > max_bytes:
        raise XmlRefused("too_large", f"{len(body)} bytes > {max_bytes}")
    if body[:3] != GZIP_MAGIC:
        return body
    try:
        return gunzip(body, max_size=max_bytes)
    except ValueError as exc:  # scrapy's _DecompressionMaxSizeExceeded: a gzip bomb, or just too big
        raise XmlRefused("decompressed_too_large", str(exc)) from None
    except Exception as exc:  # OSError, EOFError, struct.error, zlib errors: truncated or forged
        raise XmlRefused("gzip_corrupt", str(exc)) from None


def local_name(tag: Any) -> str:
    """``{namespace}name`` → ``name``; "" for comments, entities and processing instructions."""
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def read_records(body: bytes, record_tags: Iterable[str], roots: Iterable[str],
                 max_bytes: int = DEFAULT_MAX_XML_BYTES) -> XmlDocument:
    """Every ``record_tags`` element of a document whose root is one of ``roots``, as dicts.

    A record maps each descendant's local name to its stripped text (the first one wins, so
    ``news:news/news:title`` is ``title`` unless the record has its own), ``href`` links (sitemap
    ``xhtml:link`` alternates) go to ``alternate``, an RSS ``enclosure`` URL to ``enclosure``.
    Raises :class:`XmlRefused`; a refused document yields nothing, never a part.
    """
    data = xml_bytes(body, max_bytes)
    head = data[:_PROLOG_SCAN]
    if b"<!DOCTYPE" in head and b"<!ENTITY" in head:
        raise XmlRefused("entities", "the document declares entities")
    wanted, allowed = frozenset(record_tags), frozenset(roots)
    parser = etree.iterparse(
        BytesIO(data), events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False,
        dtd_validation=False, huge_tree=False, recover=False, remove_comments=True, remove_pis=True,
        collect_ids=False,
    )
    document: XmlDocument | None = None
    try:
        for event, elem in parser:
            if document is None:  # the root's start: the prolog and any DTD are read by now
                dtd = elem.getroottree().docinfo.internalDTD
                if dtd is not None and any(True for _ in dtd.iterentities()):
                    raise XmlRefused("entities", "the document declares entities")
                name = local_name(elem.tag)
                if name not in allowed:
                    raise XmlRefused("unexpected_root", f"<{name}>, expected {', '.join(sorted(allowed))}")
                document = XmlDocument(name)
                continue
            if event != "end" or local_name(elem.tag) not in wanted:
                continue
            document.records.append(_record(elem))
            elem.clear()
            parent = elem.getparent()
            if parent is not None:  # drop what was read: memory stays flat on a long sitemap
                while elem.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        raise XmlRefused("malformed", str(exc)) from None
    if document is None:
        raise XmlRefused("empty")
    return document


def _record(elem: Any) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for child in elem.iterdescendants():
        name = local_name(child.tag)
        if not name:
            continue
        href = child.get("href")
        if href and name == "link":
            record.setdefault("alternate", []).append(href)
            continue
        if name == "enclosure" and child.get("url"):
            record.setdefault("enclosure", child.get("url"))
            continue
        if len(child):  # a container (news:news): its leaves are read on their own
            continue
        record.setdefault(name, (child.text or "").strip())
    return record
