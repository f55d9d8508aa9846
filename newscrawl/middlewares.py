"""Downloader middlewares: undeclared or mis-declared Arabic encodings, and backoff between retries.

Both are small additions around Scrapy's own machinery (HttpCompression, Retry), not replacements.
"""

from __future__ import annotations

import asyncio
import codecs
import logging
import random
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.httpobj import urlparse_cached
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from newscrawl.network import origin
from newscrawl.text import has_controls

logger = logging.getLogger(__name__)

#: Encodings tried, in order, on a page that declares none (no header charset, no meta, no BOM).
DEFAULT_FALLBACK_ENCODINGS = ("utf-8", "cp1256")
#: Default of ``NEWSCRAWL_MAX_UNDECODABLE_SHARE``: the share of a page's non-ASCII characters that
#: may be undecodable (U+FFFD) in the declared encoding before the page is not taken as text.
DEFAULT_MAX_UNDECODABLE_SHARE = 0.01
#: Above this share the page is *mostly* undecodable: in another encoding than it says (windows-1256
#: bytes served as ``charset=utf-8`` decode to 99.8% U+FFFD), so it is re-read with a fallback. In
#: between, it mixes encodings or is damaged: no single encoding reads it.
MOSTLY_UNDECODABLE = 0.5


class UndecodablePage(IgnoreRequest):
    """A page that no encoding reads as text; the request fails with reason ``bad_encoding``."""

    reason = "bad_encoding"


def undecodable_share(text: str) -> float:
    """The share of U+FFFD (bytes the decoder could not read) among the non-ASCII characters of
    ``text``: 0.0 for clean text, about 1.0 for Arabic read in the wrong multi-byte encoding."""
    if "\ufffd" not in text:  # nearly every page: a memchr scan, ~40x quicker than counting
        return 0.0
    bad = text.count("\ufffd")
    return bad / (len(text) - len(text.encode("ascii", "ignore")))


def reread_encoding(body: bytes, candidates: tuple[str, ...], current: str) -> str | None:
    """The first of ``candidates`` (other than ``current``) that decodes ``body`` completely into
    text without control characters, or None. Binary data, UTF-16 and other mismatches decode to
    NULs and other controls in a single-byte encoding, so they are not taken for text."""
    for encoding in candidates:
        try:
            if codecs.lookup(encoding).name == codecs.lookup(current).name:
                continue
            text = body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if not has_controls(text):
            return encoding
    return None


def undeclared_encoding(body: bytes, candidates: tuple[str, ...]) -> str | None:
    """The first of ``candidates`` that decodes ``body`` without error (None: keep Scrapy's guess).

    UTF-8 is strict enough that Arabic windows-1256 bytes almost never pass as UTF-8, so trying it
    first and windows-1256 second tells the two apart; Scrapy's own fallback would be cp1252.
    """
    for encoding in candidates:
        try:
            body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        return encoding
    return None


class ArabicEncodingMiddleware:
    """Read every page in an encoding that gives text, or fail it with a counted reason.

    * A page that declares no encoding gets the first fallback that decodes it cleanly
      (``encoding/undeclared/<encoding>``).
    * A page whose text, decoded as declared, is *mostly* undecodable (U+FFFD) is re-read with its
      ``<meta>`` charset when the header said otherwise, else the first fallback that decodes all of
      it into text without control characters (``encoding/misdeclared/<encoding>``).
    * A page with more than ``NEWSCRAWL_MAX_UNDECODABLE_SHARE`` (default 1%) of its non-ASCII
      characters undecodable that cannot be re-read fails: :class:`UndecodablePage`, counted by the
      spider as ``failures/bad_encoding`` (never exported as garbage, retried by the next run). Fewer
      are kept and counted (``encoding/undecodable_pages``).

    Setting ``NEWSCRAWL_FALLBACK_ENCODINGS`` (list, default utf-8 then windows-1256).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.candidates = tuple(crawler.settings.getlist("NEWSCRAWL_FALLBACK_ENCODINGS")
                                or DEFAULT_FALLBACK_ENCODINGS)
        self.max_share = crawler.settings.getfloat("NEWSCRAWL_MAX_UNDECODABLE_SHARE",
                                                   DEFAULT_MAX_UNDECODABLE_SHARE)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArabicEncodingMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None
                         ) -> Response:
        if not isinstance(response, TextResponse) or not response.body:
            return response
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        if not (http_content_type_encoding(content_type) or read_bom(response.body)[0]
                or html_body_declared_encoding(response.body)):
            encoding = undeclared_encoding(response.body, self.candidates)
            if encoding is not None:
                self.stats.inc_value(f"encoding/undeclared/{encoding}")
                response = response.replace(encoding=encoding)
        return self._readable(response)

    def _readable(self, response: TextResponse) -> TextResponse:
        """``response`` if its text is text; re-read in another encoding; or UndecodablePage."""
        share = undecodable_share(response.text)  # Scrapy's decoding, kept for the callbacks
        if share == 0.0:
            return response
        if share <= self.max_share:
            self.stats.inc_value("encoding/undecodable_pages")
            return response
        if share > MOSTLY_UNDECODABLE:
            meta = html_body_declared_encoding(response.body)
            candidates = (meta, *self.candidates) if meta else self.candidates
            encoding = reread_encoding(response.body, candidates, response.encoding)
            if encoding is not None:
                self.stats.inc_value(f"encoding/misdeclared/{encoding}")
                return response.replace(encoding=encoding)
        message = (f"{share:.0%} of the text of {response.url} is undecodable as {response.encoding},"
                   " and no other encoding reads it as text")
        logger.warning(message)
        raise UndecodablePage(message)


class OffsiteRedirect(IgnoreRequest):
    """A redirect to an origin the crawl does not cover: the request fails (``offsite_redirect``)."""

    reason = "offsite_redirect"


class OriginOffsiteMiddleware(OffsiteMiddleware):
    """Scrapy's offsite filter, by origin: scheme, host *and port* must be ones of the crawl.

    Scrapy's :class:`~scrapy.downloadermiddlewares.offsite.OffsiteMiddleware` (the only one in 2.19;
    the spider-middleware one is gone) compares host names against ``allowed_domains`` and lets any
    subdomain and any port through, so a redirect from ``127.0.0.1:8000`` to ``127.0.0.1:9000`` — or
    from https to http — stays "on site". A spider that sets ``allowed_origins`` (``scheme://host[:port]``
    URLs) is held to those exactly; one that does not keeps Scrapy's rule.

    Scrapy also drops an offsite redirect silently when it is scheduled (no errback: a redirected
    article would vanish, counted only as ``offsite/filtered``). Here a redirect is let through to
    the downloader, where an offsite one fails with :class:`OffsiteRedirect`, which the spider's
    errback counts (``failures/offsite_redirect``) and keeps for the next run.
    """

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        if not request.meta.get("redirect_urls"):  # redirects are refused in process_request
            super().request_scheduled(request, spider)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if request.meta.get("redirect_urls") and not (
                request.dont_filter or request.meta.get("allow_offsite")
                or self.should_follow(request, self.crawler.spider)):
            self.stats.inc_value("offsite/filtered")
            self.stats.inc_value("offsite/redirects_refused")
            raise OffsiteRedirect(f"Refused a redirect to another origin: {request.meta['redirect_urls'][-1]}"
                                  f" -> {request.url}")
        super().process_request(request)

    def should_follow(self, request: Request, spider: Spider) -> bool:
        allowed = getattr(spider, "allowed_origins", None)
        if not allowed:
            return super().should_follow(request, spider)
        parts = urlparse_cached(request)
        return origin(parts.scheme, parts.hostname, parts.port) in allowed


class RetryBackoffMiddleware:
    """Wait before sending a retried request: ``base × 2^(n-1)`` seconds (±25%), capped.

    Scrapy's RetryMiddleware decides what to retry and how often (``RETRY_TIMES``,
    ``RETRY_HTTP_CODES``); this only spaces the attempts so a struggling server can recover.
    Settings ``NEWSCRAWL_RETRY_BACKOFF_BASE`` (seconds, 0 disables) and ``NEWSCRAWL_RETRY_BACKOFF_MAX``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.base = crawler.settings.getfloat("NEWSCRAWL_RETRY_BACKOFF_BASE", 0.5)
        self.cap = crawler.settings.getfloat("NEWSCRAWL_RETRY_BACKOFF_MAX", 30.0)
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryBackoffMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request, spider: Spider | None = None) -> Any:
        attempt = request.meta.get("retry_times", 0)
        if attempt and self.base > 0:
            delay = min(self.cap, self.base * 2 ** (attempt - 1)) * random.uniform(0.75, 1.25)
            self.stats.inc_value("retry/backoff_waits")
            await asyncio.sleep(delay)
        return None


#: Bytes that can hold the first 4,096 characters Scrapy's meta-refresh check reads (4 a character
#: at most in the encodings this fast path accepts).
_META_REFRESH_SPAN = 4096 * 4


class QuickMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware, without decoding a page that cannot hold a meta refresh.

    Scrapy decodes every HTML body (``response.text``) and scans it for ``<base>`` to look for a
    ``<meta http-equiv="refresh">`` in its first 4,096 characters; the spider itself parses bytes.
    When the page's encoding writes ASCII letters as themselves and the bytes of those characters do
    not contain ``refresh`` in any case, the text cannot either: the answer (no redirect) is the
    same, without the decoding. Anything else goes to Scrapy's own check.
    """

    def process_response(self, request: Request, response: Response, spider: Spider | None = None
                         ) -> Request | Response:
        if (isinstance(response, HtmlResponse) and _ascii_letters_kept(response.encoding)
                and b"refresh" not in response.body[:_META_REFRESH_SPAN].lower()):
            return response
        return super().process_response(request, response)


def _ascii_letters_kept(encoding: str) -> bool:
    """Whether ``encoding`` writes ``refresh``/``REFRESH`` as those very bytes (not UTF-16/32)."""
    try:
        return "refreshREFRESH".encode(encoding) == b"refreshREFRESH"
    except (LookupError, UnicodeError):
        return False
