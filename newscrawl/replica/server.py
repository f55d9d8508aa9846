"""Twisted web side of the replica: routing, responses and :func:`listen`.

The resource never starts or stops a reactor: the CLI runs one, and a spider can call :func:`listen`
inside its own (asyncio) reactor. Routing is a list of ``(regex, handler)`` matched against the
percent-decoded path, so later features (faults, RSS, sitemaps, sister sites) add routes or wrap
the resource instead of editing a chain of ``if``s.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

from twisted.internet.interfaces import IListeningPort, IPullProducer, IReactorTCP
from twisted.web.http import HTTPChannel
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request, Site
from zope.interface import implementer

from newscrawl.replica import pages
from newscrawl.replica.catalogue import Catalogue
from newscrawl.sites.base import Section

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
JSON = "application/json; charset=utf-8"
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$")
_STATIC = {
    ".css": ("text/css; charset=utf-8", b"/* replica */\n"),
    ".js": ("application/javascript; charset=utf-8", b"/* replica */\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff\xd9"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
}
MANIFEST_CHUNK = 200  # articles per write of the streamed manifest


@dataclass
class Response:
    """A complete response; ``stream`` (when set) is written chunk by chunk instead of ``body``."""

    status: int = 200
    content_type: str = HTML
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stream: Iterator[bytes] | None = None


Handler = Callable[[Request, "re.Match[str]", str], Response]


def base_url(request: Request) -> str:
    """``http://host:port`` of the request: its Host header when sane, else the listening address."""
    raw = request.getHeader(b"host")
    host = raw.decode("latin-1") if raw else ""
    if not _HOST.match(host):
        address = request.getHost()
        host = f"{address.host}:{address.port}"
    return f"http://{host}"


def decoded_path(request: Request) -> str:
    """The request path as text: percent-encoded or raw UTF-8 slugs both come out as Arabic."""
    return unquote_to_bytes(request.path).decode("utf-8", errors="replace")


def _page_number(request: Request, param: str) -> int | None:
    """``?page=N`` (1 when absent); None when it is not a positive integer."""
    values = request.args.get(param.encode())
    if not values:
        return 1
    text = values[0].decode("latin-1")
    return int(text) if text.isdigit() and int(text) >= 1 else None


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

    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__()
        self.catalogue = catalogue
        site = catalogue.site
        self.routes: list[tuple[re.Pattern[str], Handler]] = [
            (re.compile(r"^/$"), self.home),
            (re.compile(r"^/robots\.txt$"), self.robots),
            (re.compile(r"^/__replica__/manifest\.json$"), self.manifest),
            (
                re.compile("^" + re.escape(site.section_path).replace(r"\{id\}", r"(?P<sid>[^/]+)") + "/?$"),
                self.listing,
            ),
            (re.compile("^" + re.escape(site.writers_path) + "/?$"), self.writers),
            (re.compile(r"^/w-(?P<wid>\d+)/?$"), self.writer),
            (site.article_path_re, self.article),
            (re.compile(r"^/(?:assets|uploads)/.+(?P<ext>\.[a-z]+)$"), self.static),
        ]

    # -- plumbing -------------------------------------------------------------------------------------
    def route(self, path: str) -> tuple[Handler, re.Match[str]] | None:
        for pattern, handler in self.routes:
            match = pattern.match(path)
            if match:
                return handler, match
        return None

    def render_GET(self, request: Request) -> bytes | int:  # noqa: N802 - Twisted interface
        base = base_url(request)
        found = self.route(decoded_path(request))
        response = found[0](request, found[1], base) if found else self.not_found(base)
        request.setResponseCode(response.status)
        request.setHeader(b"content-type", response.content_type.encode())
        request.setHeader(b"server", b"nginx")
        for name, value in response.headers.items():
            request.setHeader(name.encode(), value.encode())
        if response.stream is None:
            request.setHeader(b"content-length", str(len(response.body)).encode())
            return response.body
        request.registerProducer(_StreamProducer(request, response.stream), False)
        return NOT_DONE_YET

    def html(self, text: str, status: int = 200) -> Response:
        return Response(status=status, body=text.encode("utf-8"))

    def not_found(self, base: str) -> Response:
        return self.html(pages.not_found_page(self.catalogue, base), status=404)

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
        page = _page_number(request, self.catalogue.site.page_param)
        listing = self.catalogue.listing(section, page) if section and page else None
        if listing is None:
            return self.not_found(base)
        return self.html(pages.listing_page(self.catalogue, listing, base))

    def writer(self, request: Request, match: re.Match[str], base: str) -> Response:
        writer = self.catalogue.writer(match["wid"])
        if writer is None:
            return self.not_found(base)
        heads = self.catalogue.writer_columns(writer, self.catalogue.per_page)
        return self.html(pages.writer_page(self.catalogue, writer, heads, base))

    def article(self, request: Request, match: re.Match[str], base: str) -> Response:
        """An article by its ids; the slug may be anything (the canonical link has the right one)."""
        head = self.catalogue.find(match["section"], match["id"])
        if head is None:
            return self.not_found(base)
        art = self.catalogue.article(head.index)
        amp = match.group(0).startswith("/amp/")
        return self.html(
            pages.amp_page(self.catalogue, art, base)
            if amp
            else pages.article_page(self.catalogue, art, base)
        )

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
        header = {
            "count": cat.total,
            "seed": cat.seed,
            "per_page": cat.per_page,
            "sections": cat.sections_info(),
        }
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
    return reactor.listenTCP(port, ReplicaSite(ReplicaResource(catalogue)), interface=host)
