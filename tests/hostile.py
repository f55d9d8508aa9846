"""A small hostile publisher on loopback, for the tests of what the replica does not misbehave at.

:class:`Publisher` serves one section of «العرب اليوم» (``syria``, id 40) in the markup the site
definition reads — listing pages ``/section/40?page=N`` and article pages ``/40/<id>-<slug>`` — and a
test overrides what it must: the ids a listing page names, whether it has a next page, the bytes and
headers of an article. :func:`serve` runs it on a free port in a thread of the test process (the
crawl runs in a subprocess) and records every path it was asked for.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from newscrawl.sites import get_site

SITE = get_site("arabstoday")
SECTION = SITE.section("syria")
STAMP = "GMT 10:18 2025 الثلاثاء ,22 إبريل / نيسان"  # the seed page's related stamp
UPDATED = "آخر تحديث GMT12:58:10"
PARAGRAPHS = ("أعلنت مصادر روسية وأميركية أن المحادثات ركزت على الوضع في أوروبا.",
              "وأوضحت المصادر أن الجانبين اتفقا على مواصلة الاتصالات.")


@dataclass
class Page:
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})


def article_path(article_id: str) -> str:
    return f"/{SECTION.id}/{article_id}-%D8%AE%D8%A8%D8%B1"


def listing_html(base: str, ids: list[str], next_page: int | None,
                 titles: dict[str, str] | None = None) -> str:
    """A listing page naming ``ids`` (titles "خبر <id>" unless given), with a next link to
    ``next_page``."""
    items = "\n".join(
        f'<div class="news-item"><h3 class="news-title"><a href="{base}{article_path(i)}">'
        f'{escape((titles or {}).get(i, f"خبر {i}"))}</a></h3>'
        f'<p class="news-summary">ملخص {i}</p><span class="news-date">{STAMP}</span></div>'
        for i in ids)
    href = f"{base}/section/{SECTION.id}?page={next_page}"
    pagination = f'<div class="pagination"><a rel="next" href="{href}">التالي</a></div>' if next_page else ""
    return (f'<html><head><meta charset="utf-8"><title>{SECTION.name}</title></head><body>'
            f'<div class="news-list">\n{items}\n</div>{pagination}</body></html>')


def article_html(base: str, article_id: str, title: str | None = None,
                 paragraphs: tuple[str, ...] = PARAGRAPHS, title_markup: str | None = None,
                 charset: str = "utf-8") -> str:
    """An article page in the site's markup; ``title_markup`` replaces the whole ``<h1>`` element."""
    title = f"عنوان الخبر {article_id}" if title is None else title
    h1 = title_markup if title_markup is not None else f'<h1 class="article-title">{escape(title)}</h1>'
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    canonical = base + article_path(article_id)
    return (f'<html><head><meta charset="{charset}"><link rel="canonical" href="{canonical}">'
            f"</head><body><article>{h1}"
            f'<div class="article-meta"><span class="last-update">{UPDATED}</span></div>'
            f'<div class="site-label"> {SITE.brand} -</div>'
            f'<div class="article-body">\n<p class="dateline">موسكو ـ ريتا مهنا</p>\n{body}\n</div>'
            "</article></body></html>")


class Publisher:
    """One section: listing pages of ``ids_on(page)`` with a next link while ``has_next(page)``, and an
    article page per id (:meth:`article`). Subclass or set attributes to misbehave."""

    def __init__(self, pages: list[list[str]]) -> None:
        self.pages = pages
        self.base = ""  # set by serve()

    def ids_on(self, page: int) -> list[str] | None:
        return self.pages[page - 1] if 1 <= page <= len(self.pages) else None

    def has_next(self, page: int) -> bool:
        return page < len(self.pages)

    def listing(self, page: int) -> Page:
        ids = self.ids_on(page)
        if ids is None:
            return Page(b"not found", 404)
        return Page(listing_html(self.base, ids, page + 1 if self.has_next(page) else None).encode())

    def article(self, article_id: str) -> Page:
        return Page(article_html(self.base, article_id).encode())

    def respond(self, path: str, query: dict[str, list[str]]) -> Page:
        if path == f"/section/{SECTION.id}":
            page = query.get("page", ["1"])[0]
            return self.listing(int(page)) if page.isdigit() else Page(b"bad page", 404)
        match = SITE.article_path_re.match(path)
        if match and match["section"] == SECTION.id:
            return self.article(match["id"])
        return Page(b"not found", 404, {"Content-Type": "text/plain"})


@dataclass
class Served:
    url: str
    requests: list[str]  # path?query of every request, in order


@contextmanager
def serve(publisher: Publisher) -> Iterator[Served]:
    """Run ``publisher`` on a free loopback port for the ``with`` block."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            requests.append(self.path)
            parts = urlsplit(self.path)
            page = publisher.respond(parts.path, parse_qs(parts.query))
            self.send_response(page.status)
            for name, value in page.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(page.body)))
            self.end_headers()
            self.wfile.write(page.body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    url = f"http://127.0.0.1:{server.server_address[1]}"
    publisher.base = url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(url, requests)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
