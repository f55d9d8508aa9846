"""The replica's HTTP vocabulary: content types, the :class:`Response` handlers return, the handler
signature and request helpers. Below the server and every module that adds routes to it
(:mod:`~newscrawl.replica.js_section`, :mod:`~newscrawl.replica.discovery`, the network), so they
import it without importing the server.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

from twisted.web.server import Request

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
JSON = "application/json; charset=utf-8"
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$")


@dataclass
class Response:
    """A complete response; ``stream`` (when set) is written chunk by chunk instead of ``body``.

    The fault fields are applied when the response is sent (after any wrapper saw the UTF-8 body):
    ``transient`` is ``(kind, 5xx status)`` for the URL identity ``fault_key``, ``charset`` the
    windows-1256 declaration variant, ``padding`` the bytes an oversized page adds, ``injected`` the
    permanent fault kinds the stats count for this response; ``kind`` is the stats' path kind.
    """

    status: int = 200
    content_type: str = HTML
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stream: Iterator[bytes] | None = None
    kind: str = "other"
    fault_key: str | None = None
    transient: tuple[str, int | None] | None = None
    charset: str | None = None
    padding: int = 0
    injected: tuple[str, ...] = ()


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


def page_number(request: Request, param: str) -> int | None:
    """``?page=N`` (1 when absent); None when it is not a positive integer."""
    values = request.args.get(param.encode())
    if not values:
        return 1
    text = values[0].decode("latin-1")
    return int(text) if text.isdigit() and int(text) >= 1 else None
