"""Twisted web side of the replica: routing, responses and :func:`listen`.

The resource never starts or stops a reactor: the CLI runs one, and a spider can call :func:`listen`
inside its own (asyncio) reactor. Routing is a list of ``(regex, handler)`` matched against the
percent-decoded path, so later features (faults, RSS, sitemaps, sister sites) add routes or wrap
the resource instead of editing a chain of ``if``s.

Faults: handlers describe them on the :class:`Response` (the catalogue decides which); ``render_GET``
counts attempts per URL identity and injects the transient ones (5xx page, delayed answer, dropped or
truncated connection), ``_send`` applies the byte-level ones (windows-1256, oversized padding).
Article pages carry ``ETag``/``Last-Modified`` and answer conditional GETs with 304. Counters are
served at ``/__replica__/stats.json``; nothing under ``/__replica__/`` is faulted or counted.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import unquote

from twisted.internet.interfaces import IDelayedCall, IListeningPort, IPullProducer, IReactorTCP, IReactorTime
from twisted.web.http import RESPONSES, HTTPChannel
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request, Site
from zope.interface import implementer

from newscrawl.replica import breakage, js_section, pages
from newscrawl.replica.catalogue import Catalogue, http_date
from newscrawl.replica.http import JSON, TEXT, Handler, Response, base_url, decoded_path, page_number
from newscrawl.sites.base import Section

_STATIC = {
    ".css": ("text/css; charset=utf-8", b"/* replica */\n"),
    ".js": ("application/javascript; charset=utf-8", b"/* replica */\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff\xd9"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
}
MANIFEST_CHUNK = 200  # articles per write of the streamed manifest
_PAGE_FAULTS = ("malformed", "encoding", "missing_fields", "oversized")  # counted when a page is served


@implementer(IPullProducer)
class _StreamProducer:
    """Writes an iterator of byte chunks as the transport asks for them (bounded memory)."""

    def __init__(self, request: Request, chunks: Iterator[bytes]) -> None:
        self.request = request
        self.chunks = chunks
        self.stopped = False

    def resumeProducing(self) -> None:  # noqa: N802 - Twisted interface
        if self.stopped:
            return
        chunk = next(self.chunks, None)
        if chunk is None:
            self.stopped = True
            self.request.unregisterProducer()
            self.request.finish()
            return
        self.request.write(chunk)

    def stopProducing(self) -> None:  # noqa: N802 - Twisted interface
        self.stopped = True


class ReplicaResource(Resource):
    """The whole replica site as one leaf resource routing on the decoded path."""

    isLeaf = True

    def __init__(self, catalogue: Catalogue, clock: IReactorTime | None = None) -> None:
        super().__init__()
        self.catalogue = catalogue
        self._clock = clock
        self.attempts: dict[str, int] = {}  # requests seen per fault identity (transient faults)
        self.stats = Stats()
        site = catalogue.site
        self.routes: list[tuple[re.Pattern[str], Handler]] = [
            (re.compile(r"^/$"), self.home),
            (re.compile(r"^/robots\.txt$"), self.robots),
            (re.compile(r"^/__replica__/manifest\.json$"), self.manifest),
            (re.compile(r"^/__replica__/stats\.json$"), self.stats_json),
            (re.compile(r"^/go/(?P<n>\d{1,12})/?$"), self.go),
            (re.compile(r"^/loop/(?P<n>\d{1,15})/?$"), self.loop),
            (
                re.compile("^" + re.escape(site.section_path).replace(r"\{id\}", r"(?P<sid>[^/]+)") + "/?$"),
                self.listing,
            ),
            (re.compile("^" + re.escape(site.writers_path) + "/?$"), self.writers),
            (re.compile(r"^/w-(?P<wid>\d+)/?$"), self.writer),
            (site.article_path_re, self.article),
            (re.compile(r"^/(?:assets|uploads)/.+(?P<ext>\.[a-z]+)$"), self.static),
        ]
        self.routes[:0] = js_section.routes(self)  # sections rendered client-side (Section.render)

    # -- plumbing -------------------------------------------------------------------------------------
    def route(self, path: str) -> tuple[Handler, re.Match[str]] | None:
        for pattern, handler in self.routes:
            match = pattern.match(path)
            if match:
                return handler, match
        return None

    @property
    def clock(self) -> IReactorTime:
        if self._clock is None:
            from twisted.internet import reactor  # import late: never install one by accident

            self._clock = reactor  # type: ignore[assignment]
        return self._clock  # type: ignore[return-value]

    def render_GET(self, request: Request) -> bytes | int:  # noqa: N802 - Twisted interface
        """Route, then inject the response's transient fault (if this attempt gets it), then send."""
        base = base_url(request)
        path = decoded_path(request)
        found = self.route(path)
        response = found[0](request, found[1], base) if found else self.not_found(base)
        if path.startswith("/__replica__/"):  # the test hooks: never faulted, never counted
            self._send(request, response)
            return NOT_DONE_YET
        key = response.fault_key
        fault = response.transient if key else None
        if fault and key:
            self.attempts[key] = attempt = self.attempts.get(key, 0) + 1
            if attempt > self.catalogue.fault_attempts:
                fault = None
        self.stats.count_faults(response.injected)
        if fault is None:
            self._send(request, response, path)
            return NOT_DONE_YET
        kind, status = fault
        self.stats.count_faults((kind,))
        if kind == "5xx":
            self._send(request, self.error(status or 500), path, response.kind)
        elif kind == "timeout":
            self._later(request, response, path)
        elif kind == "drop":
            self.stats.count(response.kind, path, "dropped")
            request.channel.transport.abortConnection()
        else:
            self._send(request, response, path, truncate=True)
        return NOT_DONE_YET

    def _later(self, request: Request, response: Response, path: str) -> None:
        """Answer after ``slow_seconds`` without blocking the reactor; forget it if the client left."""
        delay = self.catalogue.slow_seconds
        self.stats.held += 1  # observable: tests wait for it instead of guessing at timings

        def answer() -> None:
            self.stats.held -= 1
            self._send(request, response, path)

        call: IDelayedCall = self.clock.callLater(delay, answer)

        def gone(_: object) -> None:
            if call.active():
                call.cancel()
                self.stats.held -= 1
                self.stats.count(response.kind, path, "abandoned")

        request.notifyFinish().addErrback(gone)

    def _send(
        self,
        request: Request,
        response: Response,
        path: str | None = None,
        kind: str | None = None,
        truncate: bool = False,
    ) -> None:
        """Write ``response`` (re-encoded, padded or cut short as its faults say) and finish it."""
        if request._disconnected:  # a delayed answer whose client went away
            return
        body, content_type = response.body, response.content_type
        if response.charset and response.status == 200:
            content_type, body = breakage.legacy_page(body.decode("utf-8"), response.charset)
        request.setResponseCode(response.status)
        request.setHeader(b"content-type", content_type.encode())
        request.setHeader(b"server", b"nginx")
        for name, value in response.headers.items():
            request.setHeader(name.encode(), value.encode())
        outcome = "truncated" if truncate else str(response.status)
        if path is not None:
            self.stats.count(kind or response.kind, path, outcome)
        if truncate:
            # the full length declared, half of it sent, then the connection closed
            request.setHeader(b"content-length", str(len(body)).encode())
            request.write(body[: len(body) // 2])
            request.channel.transport.loseConnection()
            return
        stream = response.stream
        if response.padding and response.status == 200:
            head, tail = breakage.oversized_parts(body, response.padding)
            request.setHeader(b"content-length", str(len(head) + response.padding + len(tail)).encode())
            stream = itertools.chain((head,), breakage.padding_chunks(response.padding), (tail,))
        elif stream is None and response.status not in (204, 304):
            request.setHeader(b"content-length", str(len(body)).encode())
        if stream is None:
            request.write(body)
            request.finish()
            return
        request.registerProducer(_StreamProducer(request, stream), False)

    def html(self, text: str, status: int = 200) -> Response:
        return Response(status=status, body=text.encode("utf-8"))

    def not_found(self, base: str) -> Response:
        return self.html(pages.not_found_page(self.catalogue, base), status=404)

    def error(self, status: int) -> Response:
        """The small error page of a ``5xx`` fault."""
        phrase = RESPONSES.get(status, b"Error").decode()
        return Response(status=status, body=breakage.error_page(status, phrase).encode())

    # -- handlers -------------------------------------------------------------------------------------
    def home(self, request: Request, match: re.Match[str], base: str) -> Response:
        return self.html(pages.home_page(self.catalogue, base))

    def robots(self, request: Request, match: re.Match[str], base: str) -> Response:
        return Response(content_type=TEXT, body=pages.robots_txt().encode())

    def listing(self, request: Request, match: re.Match[str], base: str) -> Response:
        section = self.catalogue.section_by_id(match["sid"])
        return self._listing(request, section, base)

    def writers(self, request: Request, match: re.Match[str], base: str) -> Response:
        sections = self.catalogue.opinion_sections
        return self._listing(request, sections[0] if sections else None, base)

    def _listing(self, request: Request, section: Section | None, base: str) -> Response:
        cat = self.catalogue
        page = page_number(request, cat.site.page_param)
        listing = cat.listing(section, page) if section and page else None
        if listing is None or section is None or page is None:
            return replace_kind(self.not_found(base), "listing")
        response = self.html(pages.listing_page(cat, listing, base))
        response.kind = "listing"
        if cat.plan:
            pairs = zip(listing.entries, listing.stamps, strict=True)
            bad = sum(stamp != art.head.listing_stamp for art, stamp in pairs)
            trap = ("pagination_trap",) if page > listing.pages else ()
            response.injected = ("bad_dates",) * bad + trap
            if set(request.args) <= {cat.site.page_param.encode()}:
                response.fault_key = cat.listing_key(section, page)
                response.transient = cat.listing_transient(section, page)
        return response

    def writer(self, request: Request, match: re.Match[str], base: str) -> Response:
        writer = self.catalogue.writer(match["wid"])
        if writer is None:
            return self.not_found(base)
        heads = self.catalogue.writer_columns(writer, self.catalogue.per_page)
        return self.html(pages.writer_page(self.catalogue, writer, heads, base))

    def article(self, request: Request, match: re.Match[str], base: str) -> Response:
        """An article by its ids; the slug may be anything (the canonical link has the right one).

        Served with ``ETag`` and ``Last-Modified``; ``If-None-Match`` (else ``If-Modified-Since``)
        that still matches gets ``304``. The canonical URL (no query; a trailing slash or a raw slug
        is the same URL) carries the article's transient fault; the regular page its page faults.
        """
        cat = self.catalogue
        head = cat.find(match["section"], match["id"])
        if head is None:
            return replace_kind(self.not_found(base), "article")
        index = head.index
        amp = match.group(0).startswith("/amp/")
        etag = cat.etag(index)
        if amp:
            etag = etag[:-1] + '-amp"'
        modified = cat.last_modified(index)
        headers = {"etag": etag, "last-modified": http_date(modified), "cache-control": "max-age=0"}
        info = cat.article_faults(index)
        canonical = not amp and not request.args and match.group(0).rstrip("/") == unquote(head.path)
        transient = (info.transient, info.status) if info.transient and canonical else None
        fault_key = head.path if transient else None
        injected: list[str] = []
        if info.aliases and (request.args or not canonical) and not amp:
            injected.append("duplicate_urls")
        if _not_modified(request, etag, modified):
            return Response(
                status=304, headers=headers, kind="article", fault_key=fault_key, transient=transient,
                injected=tuple(injected),
            )  # fmt: skip
        art = cat.article(index)
        if amp:
            text = pages.amp_page(cat, art, base)
        else:
            text = pages.article_page(cat, art, base)
            if info.malformed:
                text = breakage.malform(text)
            injected += [k for k in _PAGE_FAULTS if k in info.kinds]
        return Response(
            body=text.encode("utf-8"),
            headers=headers,
            kind="article",
            fault_key=fault_key,
            transient=transient,
            charset=None if amp else info.encoding,
            padding=cat.oversized_bytes if info.oversized and not amp else 0,
            injected=tuple(injected),
        )

    def go(self, request: Request, match: re.Match[str], base: str) -> Response:
        """A ``redirect_offsite`` link: 302 to another host."""
        return self._redirect("redirect_offsite", int(match["n"]), base)

    def loop(self, request: Request, match: re.Match[str], base: str) -> Response:
        """A ``redirect_loop`` link: 302 to the next step of an endless chain."""
        return self._redirect("redirect_loop", int(match["n"]), base)

    def _redirect(self, kind: str, number: int, base: str) -> Response:
        target = self.catalogue.redirect(kind, number)
        if target is None:
            return self.not_found(base)
        location = target if "://" in target else base + target
        body = f'<html><body><a href="{pages.attr(location)}">Moved</a></body></html>'.encode()
        return Response(status=302, body=body, headers={"location": location}, injected=(kind,))

    def stats_json(self, request: Request, match: re.Match[str], base: str) -> Response:
        """Counters since start (or the last reset): ``?paths=1`` adds per path, ``?reset=1`` zeroes
        them after the snapshot, ``?reset=all`` also forgets the transient faults' attempt counts."""
        args = {k.decode(): v[0].decode("utf-8", "replace") for k, v in request.args.items() if v}
        detail = args.get("paths") in ("1", "true", "yes")
        data = self.stats.snapshot(paths=detail)
        data["attempts"] = dict(self.attempts) if detail else len(self.attempts)
        if args.get("reset") in ("1", "true", "yes", "all"):
            held, self.stats = self.stats.held, Stats()
            self.stats.held = held  # answers still waiting are not forgotten by a reset
            if args["reset"] == "all":
                self.attempts.clear()
        return Response(content_type=JSON, body=json.dumps(data, ensure_ascii=False, indent=1).encode())

    def static(self, request: Request, match: re.Match[str], base: str) -> Response:
        kind = _STATIC.get(match["ext"])
        if kind is None:
            return self.not_found(base)
        return Response(content_type=kind[0], body=kind[1], headers={"cache-control": "max-age=86400"})

    def manifest(self, request: Request, match: re.Match[str], base: str) -> Response:
        """The ground truth, streamed: ``?fields=a,b`` limits the keys, ``offset``/``limit`` slice."""
        args = {k.decode(): v[0].decode("utf-8", "replace") for k, v in request.args.items() if v}
        fields = [f for f in args["fields"].split(",") if f] if "fields" in args else None
        start = int(args["offset"]) if args.get("offset", "").isdigit() else 0
        limit = int(args["limit"]) if args.get("limit", "").isdigit() else None
        stop = None if limit is None else start + limit
        return Response(content_type=JSON, stream=self._manifest_chunks(base, fields, start, stop))

    def _manifest_chunks(
        self, base: str, fields: list[str] | None, start: int, stop: int | None
    ) -> Iterator[bytes]:
        cat = self.catalogue
        header = cat.manifest_header(base)
        yield (json.dumps(header, ensure_ascii=False)[:-1] + ', "articles": [').encode()
        batch: list[str] = []
        first = True
        for entry in cat.iter_manifest(base, fields, start, stop):
            batch.append(json.dumps(entry, ensure_ascii=False))
            if len(batch) >= MANIFEST_CHUNK:
                yield (("" if first else ",") + ",".join(batch)).encode()
                batch, first = [], False
        if batch:
            yield (("" if first else ",") + ",".join(batch)).encode()
        yield b"]}\n"


def replace_kind(response: Response, kind: str) -> Response:
    """``response`` counted under another path kind in the stats."""
    response.kind = kind
    return response


def _not_modified(request: Request, etag: str, modified: datetime) -> bool:
    """Whether a conditional GET still holds: ``If-None-Match`` first, else ``If-Modified-Since``."""
    tags = request.getHeader(b"if-none-match")
    if tags is not None:
        wanted = {t.strip().removeprefix("W/") for t in tags.decode("latin-1").split(",")}
        return "*" in wanted or etag in wanted
    since = request.getHeader(b"if-modified-since")
    if since is None:
        return False
    try:
        when = parsedate_to_datetime(since.decode("latin-1"))
    except (TypeError, ValueError):
        return False
    return when.tzinfo is not None and when >= modified


class Stats:
    """Requests served by path kind and outcome (status, ``dropped``, ``truncated``, ``abandoned``),
    and fault injections by kind."""

    def __init__(self) -> None:
        self.requests: dict[str, Counter[str]] = {k: Counter() for k in ("article", "listing", "other")}
        self.faults: Counter[str] = Counter()
        self.paths: dict[str, Counter[str]] = {}
        self.held = 0  # slow (``timeout`` fault) answers waiting to be sent right now

    def count(self, kind: str, path: str, outcome: str) -> None:
        self.requests.setdefault(kind, Counter())[outcome] += 1
        self.paths.setdefault(path, Counter())[outcome] += 1

    def count_faults(self, kinds: tuple[str, ...]) -> None:
        self.faults.update(kinds)

    def snapshot(self, paths: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "requests": {kind: dict(sorted(c.items())) for kind, c in self.requests.items()},
            "total": sum(sum(c.values()) for c in self.requests.values()),
            "faults": dict(sorted(self.faults.items())),
            "held": self.held,
        }
        if paths:
            data["paths"] = {path: dict(c) for path, c in sorted(self.paths.items())}
        return data


_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_REQUEST_LINE = re.compile(rb"^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) (HTTP/1\.[01])$")


class ReplicaChannel(HTTPChannel):
    """An HTTP channel that accepts raw UTF-8 in the request target.

    Browsers percent-encode Arabic slugs, but some clients send them raw; Twisted rejects such a
    request line with 400, so its high bytes are percent-encoded before Twisted parses it.
    """

    def lineReceived(self, line: bytes) -> None:  # noqa: N802 - Twisted interface
        if _HIGH_BYTE.search(line):
            match = _REQUEST_LINE.match(line)
            if match:
                target = _HIGH_BYTE.sub(lambda m: b"%%%02X" % m[0][0], match[2])
                line = b" ".join((match[1], target, match[3]))
        super().lineReceived(line)


class ReplicaSite(Site):
    """A quiet :class:`Site`: no access log, no factory start/stop messages, no tracebacks shown."""

    protocol = ReplicaChannel
    noisy = False
    displayTracebacks = False

    def log(self, request: Request) -> None:
        """Access logs would flood a benchmark's output; the crawler's own stats tell what happened."""


def listen(
    catalogue: Catalogue, port: int = 0, host: str = "127.0.0.1", reactor: IReactorTCP | None = None
) -> IListeningPort:
    """Serve ``catalogue`` on ``host:port`` with the running (or installed) reactor; 0 picks a port."""
    if reactor is None:
        from twisted.internet import reactor as installed  # import late: never install one by accident

        reactor = installed  # type: ignore[assignment]
    clock: IReactorTime = reactor  # type: ignore[assignment]
    return reactor.listenTCP(port, ReplicaSite(ReplicaResource(catalogue, clock)), interface=host)
