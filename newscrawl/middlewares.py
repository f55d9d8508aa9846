"""Downloader middlewares: undeclared Arabic encodings, and backoff between retries.

Both are small additions around Scrapy's own machinery (HttpCompression, Retry), not replacements.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

#: Encodings tried, in order, on a page that declares none (no header charset, no meta, no BOM).
DEFAULT_FALLBACK_ENCODINGS = ("utf-8", "cp1256")


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
    """Give a page that declares no encoding the first fallback that decodes it cleanly.

    Setting ``NEWSCRAWL_FALLBACK_ENCODINGS`` (list, default utf-8 then windows-1256). Counted as
    ``encoding/undeclared/<encoding>``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.candidates = tuple(crawler.settings.getlist("NEWSCRAWL_FALLBACK_ENCODINGS")
                                or DEFAULT_FALLBACK_ENCODINGS)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArabicEncodingMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None
                         ) -> Response:
        if not isinstance(response, TextResponse) or not response.body:
            return response
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        if (http_content_type_encoding(content_type) or read_bom(response.body)[0]
                or html_body_declared_encoding(response.body)):
            return response
        encoding = undeclared_encoding(response.body, self.candidates)
        if encoding is None:
            return response
        self.stats.inc_value(f"encoding/undeclared/{encoding}")
        return response.replace(encoding=encoding)


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
