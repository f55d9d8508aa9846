"""The replica's revisions and faults, checked over HTTP against its manifest.

Four small replica processes: ``faulty`` (every fault kind at its default rate, short delays), ``every``
(the per-page kinds on every article, to see all their variants), and ``base``/``revised`` (the same
site before and after ``--changed 4 --added 3``). Transient faults count attempts per URL, so a test
that checks one resets the counters first (``stats.json?reset=all``).
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urljoin, urlsplit

import pytest
from parsel import Selector

from newscrawl.replica import corpus
from newscrawl.replica.catalogue import OVERSIZED_BYTES, Catalogue
from newscrawl.replica.faults import DEFAULTS, KINDS, FaultPlan, FaultSpecError, parse_faults
from newscrawl.sites import get_site
from tests.servers import wait_until
from tests.test_replica import clean, start_replica, stop, text

SITE = get_site("arabstoday")
SITE_SEL = SITE.selectors
SLOW = 1.0  # --slow-seconds of the faulty replica
PADDING = 3_000_000  # --oversized-bytes of the faulty replica
STAMP = re.compile(r"^GMT (\d\d):(\d\d) (\d{4}) (\S+) ,(\d\d) (\S+) / (.+)$")

Response = tuple[int, dict[str, str], bytes]


# --- HTTP helpers ---------------------------------------------------------------------------------------
def get(url: str, headers: dict[str, str] | None = None, timeout: float = 60.0) -> Response:
    """One GET with urllib: status, headers, body (errors of the transport propagate)."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def get_eventually(url: str, tries: int = 4) -> Response:
    """GET until an answer other than a transient fault comes (a crawler's retries)."""
    for _ in range(tries):
        try:
            status, headers, body = get(url, timeout=60)  # a timeout fault answers after SLOW
        except (OSError, http.client.HTTPException, urllib.error.URLError):
            continue
        if status < 500:
            return status, headers, body
    raise AssertionError(f"still failing after {tries} tries: {url}")


def raw_get(base: str, target: bytes, timeout: float = 60.0) -> bytes:
    """Everything a server sends to an HTTP/1.0 GET of ``target`` (raw bytes allowed) until it closes."""
    host = urlsplit(base)
    with socket.create_connection((host.hostname, host.port), timeout=timeout) as conn:
        conn.sendall(b"GET " + target + f" HTTP/1.0\r\nHost: {host.netloc}\r\n\r\n".encode())
        data = b""
        try:
            while chunk := conn.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    return data


def split_response(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def reset(base: str) -> dict:
    """Zero the stats and forget transient attempts; returns the stats as they were."""
    return json.loads(get(base + "/__replica__/stats.json?reset=all")[2])


def stats(base: str) -> dict:
    return json.loads(get(base + "/__replica__/stats.json")[2])


def manifest_of(base: str) -> dict:
    return json.loads(get(base + "/__replica__/manifest.json")[2])


def path_of(url: str) -> bytes:
    parts = urlsplit(url)
    return (parts.path + ("?" + parts.query if parts.query else "")).encode()


def decode(body: bytes, article: dict) -> str:
    return body.decode("cp1256" if article["encoding"] else "utf-8")


def html_listings(manifest: dict) -> list[dict]:
    """Sections whose listings are HTML (those rendered client-side have their own tests)."""
    return [info for info in manifest["sections"] if not getattr(SITE.section(info["key"]), "render", False)]


def listing_links(base: str, manifest: dict) -> dict[str, list[str]]:
    """``{listing page URL: entry links}`` of every real listing page (hrefs as written)."""
    found = {}
    for info in html_listings(manifest):
        for page in range(1, info["pages"] + 1):
            url = base + info["path"] + (f"?page={page}" if page > 1 else "")
            status, _, body = get_eventually(url)
            assert status == 200, url
            entries = Selector(text=body.decode()).css(SITE_SEL.listing_entry)
            found[url] = [e.css(SITE_SEL.entry_link).get() for e in entries]
    return found


def check_page(html: str, article: dict) -> None:
    """The crawler's selectors find exactly the manifest's fields on the page."""
    sel = Selector(text=html)
    assert sel.css(SITE_SEL.canonical).get() == article["url"]
    scope = sel.css(getattr(SITE_SEL, "article", "article"))[0]
    assert text(scope, SITE_SEL.title) == article["title"]
    assert text(scope, SITE_SEL.updated) == article["updated_raw"]
    assert text(scope, SITE_SEL.subtitle) == article["subtitle"]
    lazy = getattr(SITE_SEL, "image_lazy", None)
    image = (scope.css(lazy).get() if lazy else None) or scope.css(SITE_SEL.image).get()
    assert image == article["image_url"]
    assert text(scope, SITE_SEL.image_caption) == article["image_caption"]
    paragraphs = scope.css(SITE_SEL.body_paragraphs)
    lead = paragraphs[0] if paragraphs[0].attrib.get("class") in ("dateline", "byline") else None
    body = [clean(p.xpath("string()").get()) for p in paragraphs[1 if lead is not None else 0 :]]
    assert body == article["body"], article["url"]
    if article["dateline"] is not None:
        line = clean(lead.xpath("string()").get())
        assert line.startswith(article["dateline"]) and line.endswith(article["author"])
    elif article["kind"] == "news":
        assert lead is None and article["author"] is None
    related = scope.css(SITE_SEL.related_items) or sel.css(SITE_SEL.related_items)
    assert [text(r, SITE_SEL.related_title) for r in related] == [r["title"] for r in article["related"]]
    assert [text(r, SITE_SEL.related_stamp) for r in related] == [r["stamp"] for r in article["related"]]
    ld = json.loads(sel.css(SITE_SEL.json_ld).get())
    assert ld["headline"] == article["title"]
    assert ("author" in ld) == (article["author"] is not None)
    if article["image_url"] is None:
        assert "image" not in ld and not sel.css("meta[property='og:image']")


# --- fixtures ---------------------------------------------------------------------------------------------
def _serve(*args: str) -> Iterator[str]:
    proc, base = start_replica(*args)
    yield base
    stop(proc)


@pytest.fixture(scope="module")
def faulty() -> Iterator[str]:
    yield from _serve(
        "--articles", "60", "--seed", "7", "--per-page", "4", "--faults", "all",
        "--slow-seconds", str(SLOW), "--oversized-bytes", str(PADDING),
    )  # fmt: skip


@pytest.fixture(scope="module")
def holding() -> Iterator[str]:
    """A replica whose timeout faults hold every answer for 600 s: the tests observe what happens
    meanwhile (its ``held`` count) instead of racing a short delay."""
    yield from _serve("--articles", "12", "--seed", "7", "--faults", "timeout=1", "--slow-seconds", "600")


@pytest.fixture(scope="module")
def faulty_manifest(faulty: str) -> dict:
    return manifest_of(faulty)


@pytest.fixture(scope="module")
def every() -> Iterator[str]:
    yield from _serve(
        "--articles", "40", "--seed", "5", "--per-page", "5",
        "--faults", "encoding=1,missing_fields=1,bad_dates=1",
    )  # fmt: skip


def pick(manifest: dict, test: object) -> list[dict]:
    return [a for a in manifest["articles"] if test(a)]  # type: ignore[operator]


def transient(manifest: dict, kind: str) -> dict:
    found = pick(manifest, lambda a: (a["transient"] or {}).get("kind") == kind)
    assert found, f"no article with a {kind} fault"
    return found[0]


# --- the spec ---------------------------------------------------------------------------------------------
def test_fault_specs() -> None:
    assert parse_faults("all").values == {k: float(v) for k, v in DEFAULTS.items()}
    plan = parse_faults("all, 5xx=0.2,oversized=1")
    assert plan.rate("5xx") == 0.2 and plan.rate("timeout") == 0.03 and plan.as_dict()["oversized"] == 1
    assert parse_faults(plan.spec) == plan and parse_faults("none") == FaultPlan() == parse_faults("")
    assert parse_faults("drop").values == {"drop": 0.05}
    assert set(KINDS) == set(DEFAULTS)
    for bad in ("nope=0.1", "5xx=2", "5xx=x", "oversized=1.5", "timeout=-1"):
        with pytest.raises(FaultSpecError):
            parse_faults(bad)
    cli = [sys.executable, "-m", "newscrawl.replica", "--faults", "all,bogus=1"]
    result = subprocess.run(cli, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "unknown fault kind 'bogus'" in result.stderr
    # the Python API takes the same options as strings (the spider's -a arguments)
    options = {"changed": "2", "added": "1", "faults": "5xx=1", "fault_attempts": "1", "slow_seconds": "0.5"}
    cat = Catalogue("30", "2", "5", **options)  # type: ignore[arg-type]
    assert (cat.changed, cat.added, cat.fault_attempts, cat.slow_seconds) == (2, 1, 1, 0.5)
    assert Catalogue(30, 2, faults=plan).plan is plan and Catalogue(30, 2).oversized_bytes == OVERSIZED_BYTES


def test_manifest_describes_the_faults(faulty: str, faulty_manifest: dict) -> None:
    m = faulty_manifest
    counted = ("oversized", "pagination_trap")
    assert m["faults"] == {k: (int(v) if k in counted else v) for k, v in DEFAULTS.items()}
    assert (m["fault_attempts"], m["slow_seconds"], m["oversized_bytes"]) == (2, SLOW, PADDING)
    seen = {k for a in m["articles"] for k in a["faults"]}
    assert seen == set(KINDS) - {"redirect_offsite", "redirect_loop", "pagination_trap"}
    assert {x["kind"] for x in m["extra_links"]} == {"redirect_offsite", "redirect_loop"}
    assert len(m["trapped_sections"]) == 1 and len(pick(m, lambda a: a["oversized"])) == 2
    assert m["expected_exports"] == sum(a["expect_export"] for a in m["articles"]) == m["count"] - 2
    # decided from (seed, kind, identity): the same arguments give the same faults, in process too
    here = Catalogue(60, 7, 4, faults="all", slow_seconds=SLOW, oversized_bytes=PADDING)
    assert here.manifest(faulty) == m["articles"]
    assert here.manifest_header(faulty)["listing_faults"] == m["listing_faults"]


# --- transient faults ---------------------------------------------------------------------------------
def test_5xx_twice_then_the_page(faulty: str, faulty_manifest: dict) -> None:
    article = transient(faulty_manifest, "5xx")
    reset(faulty)
    for _ in range(2):
        status, headers, body = get(article["url"])
        assert status == article["transient"]["status"] and status in (500, 502, 503)
        assert headers["Content-Type"].startswith("text/html") and b"<center>nginx</center>" in body
    status, _, body = get(article["url"])
    assert status == 200 and article["title"] in body.decode()
    counts = stats(faulty)
    assert counts["requests"]["article"] == {str(article["transient"]["status"]): 2, "200": 1}
    assert counts["faults"]["5xx"] == 2
    listing = next(x for x in faulty_manifest["listing_faults"] if x["kind"] == "5xx")
    assert [get(listing["url"])[0] for _ in range(3)] == [listing["status"]] * 2 + [200]


def test_timeout_answers_after_the_delay(faulty: str, faulty_manifest: dict) -> None:
    article = transient(faulty_manifest, "timeout")
    reset(faulty)
    for _ in range(2):  # attempts 1 and 2 are answered late, attempt 3 at once
        began = time.monotonic()
        status, _, body = get(article["url"], timeout=60)
        assert time.monotonic() - began >= SLOW  # a lower bound: a busy machine only adds to it
        assert status == 200 and article["title"] in body.decode()
    assert get(article["url"], timeout=60)[0] == 200
    counts = stats(faulty)
    assert counts["requests"]["article"] == {"200": 3} and counts["faults"]["timeout"] == 2
    assert counts["held"] == 0


def held_request(base: str, url: str) -> socket.socket:
    """Send a GET of ``url`` and return the open connection once the replica reports holding it."""
    parts = urlsplit(url)
    conn = socket.create_connection((parts.hostname, parts.port), timeout=60)
    conn.sendall(b"GET " + path_of(url) + b" HTTP/1.0\r\nHost: replica\r\n\r\n")
    wait_until(lambda: stats(base)["held"] == 1, timeout=120, what="the replica to hold the answer")
    return conn


def test_timeout_holds_the_answer_without_blocking(holding: str) -> None:
    article = transient(manifest_of(holding), "timeout")
    reset(holding)
    for attempt in (1, 2):  # each of the first two attempts is held (600 s: longer than any test)…
        conn = held_request(holding, article["url"])
        assert get(holding + "/robots.txt", timeout=60)[0] == 200  # …while other pages are served
        assert stats(holding)["held"] == 1
        conn.close()  # …until the client gives up
        wait_until(lambda n=attempt: stats(holding)["requests"]["article"].get("abandoned") == n,
                   timeout=120, what=f"abandoned attempt {attempt}")
    status, _, body = get(article["url"], timeout=60)  # attempt 3: answered at once, not held
    assert status == 200 and article["title"] in body.decode()
    counts = stats(holding)
    assert counts["held"] == 0 and counts["faults"]["timeout"] == 2
    assert counts["requests"]["article"] == {"200": 1, "abandoned": 2}


def test_drop_closes_without_a_byte(faulty: str, faulty_manifest: dict) -> None:
    article = transient(faulty_manifest, "drop")
    reset(faulty)
    assert [raw_get(faulty, path_of(article["url"])) for _ in range(2)] == [b"", b""]
    assert split_response(raw_get(faulty, path_of(article["url"])))[0] == 200
    assert stats(faulty)["requests"]["article"] == {"dropped": 2, "200": 1}


def test_truncate_sends_half_the_declared_length(faulty: str, faulty_manifest: dict) -> None:
    article = transient(faulty_manifest, "truncate")
    reset(faulty)
    status, headers, body = split_response(raw_get(faulty, path_of(article["url"])))
    declared = int(headers["content-length"])
    assert status == 200 and len(body) == declared // 2 < declared
    with pytest.raises(http.client.IncompleteRead):
        get(article["url"])  # attempt 2, as an HTTP client sees it
    status, headers, body = split_response(raw_get(faulty, path_of(article["url"])))
    assert status == 200 and len(body) == int(headers["content-length"]) == declared
    assert stats(faulty)["requests"]["article"] == {"truncated": 2, "200": 1}


# --- page faults ------------------------------------------------------------------------------------------
def test_every_article_is_served_as_the_manifest_says(faulty: str, faulty_manifest: dict) -> None:
    """With retries, each page gives the manifest's fields, whatever it is made of."""
    reset(faulty)
    for article in faulty_manifest["articles"]:
        status, headers, body = get_eventually(article["url"])
        assert status == 200 and headers["ETag"] == article["etag"]
        assert headers["Last-Modified"] == article["last_modified"]
        if article["oversized"]:
            assert article["expect_export"] is False
            assert len(body) == int(headers["Content-Length"]) > PADDING
            continue
        check_page(decode(body, article), article)


def test_malformed_pages_are_broken_but_recoverable(faulty: str, faulty_manifest: dict) -> None:
    broken = pick(faulty_manifest, lambda a: "malformed" in a["faults"] and not a["oversized"])
    assert broken
    for article in broken:
        html = decode(get_eventually(article["url"])[2], article)
        body = html[html.index('<div class="article-body">') :]
        body = body[: body.index('<div class="article-source">')]
        assert "</p>" not in body and body.count("<p") > len(article["body"]) - 1
        assert " & " in html and "?lang=ar&ref=article&u=" in html
        assert html.index("</html>") < html.index('<div class="col-side">') < html.rindex("</html>")
        check_page(html, article)


def test_windows_1256_pages_in_each_declaration(every: str) -> None:
    m = manifest_of(every)
    variants = {}
    for article in m["articles"]:
        variants.setdefault(article["encoding"]["declared"], article)
    assert set(variants) == {"header", "meta", "http-equiv", "none", "mislabeled"}
    for declared, article in variants.items():
        status, headers, body = get(article["url"])
        assert status == 200
        expected = {"header": "text/html; charset=windows-1256",
                    "mislabeled": "text/html; charset=utf-8"}.get(declared, "text/html")
        assert headers["Content-Type"] == expected
        html = body.decode("cp1256")
        assert article["title"] in html and article["title"].encode("utf-8") not in body
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        meta = {
            "header": '<meta charset="windows-1256">',
            "meta": '<meta charset="windows-1256">',
            "http-equiv": '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">',
            "none": None,
            "mislabeled": '<meta charset="utf-8">',
        }[declared]
        head = html.split("</head>")[0]
        assert ("utf-8" in head.lower()) == (declared == "mislabeled")
        assert (meta in head) if meta else ("charset" not in head)
        check_page(html, article)


def test_missing_fields_are_missing_everywhere(every: str) -> None:
    m = manifest_of(every)
    by_field: dict[str, dict] = {}
    for article in m["articles"]:
        assert article["missing_field"] in ("subtitle", "image", "dateline", "updated")
        by_field.setdefault(article["missing_field"], article)
    assert set(by_field) == {"subtitle", "image", "dateline", "updated"}
    nulls = {
        "subtitle": ("subtitle",),
        "image": ("image_url", "image_caption"),
        "dateline": ("dateline", "author"),
        "updated": ("updated_raw", "updated_at"),
    }
    for field, article in by_field.items():
        assert all(article[name] is None for name in nulls[field]), field
        status, _, body = get(article["url"])
        assert status == 200
        html = decode(body, article)
        check_page(html, article)
        if field == "updated":  # the validators keep the real modification time
            assert article["last_modified"] == get(article["url"])[1]["Last-Modified"]


def test_bad_listing_dates(every: str) -> None:
    m = manifest_of(every)
    shown = {}
    for info in html_listings(m):
        for page in range(1, info["pages"] + 1):
            html = get(every + info["path"] + (f"?page={page}" if page > 1 else ""))[2].decode()
            for entry in Selector(text=html).css(SITE_SEL.listing_entry):
                url = urljoin(every, entry.css(SITE_SEL.entry_link).get())
                shown[url] = text(entry, SITE_SEL.entry_stamp)
    kinds = set()
    for article in m["articles"]:
        bad = article["bad_date"]
        if bad is None:  # only listings served as HTML print bad stamps
            assert getattr(SITE.section(article["section"]), "render", False)
            continue
        kinds.add(bad["kind"])
        assert shown[article["url"]] == article["listing_stamp"] == bad["stamp"] != bad["true_stamp"]
        true = date.fromisoformat(article["true_published_at"][:10])
        if bad["kind"] == "weekday_mismatch":
            assert article["published_at"] == article["true_published_at"]
            match = STAMP.match(bad["stamp"])
            assert match and int(match[5]) == true.day and match[4] != corpus.WEEKDAYS[true.weekday()]
        else:
            assert article["published_at"] is None
        if bad["kind"] == "month_mismatch":
            egyptian, levantine = corpus.MONTHS[true.month - 1]
            assert f" {egyptian} / " in bad["stamp"] and not bad["stamp"].endswith(levantine)
    assert kinds == {"garbage", "weekday_mismatch", "month_mismatch"}


# --- listing faults ---------------------------------------------------------------------------------------
def test_duplicate_urls_are_linked_and_canonical(faulty: str, faulty_manifest: dict) -> None:
    links = listing_links(faulty, faulty_manifest)
    hrefs = [h for page in links.values() for h in page]
    dups = pick(faulty_manifest, lambda a: a["aliases"])
    assert dups
    for article in dups:
        tracking, slash, raw = article["aliases"]
        assert tracking.endswith("?utm_source=facebook&utm_medium=social") and slash == article["url"] + "/"
        assert raw == urlsplit(article["url"])._replace(path=urlsplit(raw).path).geturl()
        assert quote(urlsplit(raw).path, safe="/-") == urlsplit(article["url"]).path
        assert article["url"] in hrefs and all(alias in hrefs for alias in article["aliases"])
        home = next(page for page, found in links.items() if article["url"] in found)
        away = next(page for page, found in links.items() if tracking in found)
        assert urlsplit(home).path != urlsplit(away).path  # listed under another section too
        assert slash in links[home] and raw in links[home]
        for alias in article["aliases"]:
            status, _, body = split_response(raw_get(faulty, path_of(alias)))
            if status != 200:  # the canonical URL's transient fault (a trailing slash is the same URL)
                status, _, body = split_response(raw_get(faulty, path_of(alias)))
            assert status == 200, alias
            html = decode(body, article)
            assert Selector(text=html).css(SITE_SEL.canonical).get() == article["url"]
    # the "most read" block is inside div.news-list: its entries are listing entries
    html = get_eventually(next(p for p, found in links.items() if dups[0]["aliases"][1] in found))[2].decode()
    assert Selector(text=html).css("div.news-list div.most-read-inline div.news-item")


def test_redirects_offsite_and_in_a_loop(faulty: str, faulty_manifest: dict) -> None:
    links = listing_links(faulty, faulty_manifest)
    urls = {a["url"] for a in faulty_manifest["articles"]}
    for extra in faulty_manifest["extra_links"]:
        assert extra["url"] in links[extra["listing"]] and extra["url"] not in urls
        status, headers, _ = split_response(raw_get(faulty, path_of(extra["url"])))
        assert status == 302 and headers["location"] == extra["location"]
        if extra["kind"] == "redirect_offsite":
            assert urlsplit(extra["location"]).hostname == "offsite.example.invalid"
            continue
        location = extra["url"]
        for _ in range(25):
            status, headers, _ = split_response(raw_get(faulty, path_of(location)))
            assert status == 302
            step = int(location.rsplit("/", 1)[1])
            location = headers["location"]
            assert location == f"{faulty}/loop/{step + 1}"


def test_pagination_trap_never_ends(faulty: str, faulty_manifest: dict) -> None:
    (key,) = faulty_manifest["trapped_sections"]
    for info in html_listings(faulty_manifest):
        last = f"{faulty}{info['path']}?page={info['pages']}" if info["pages"] > 1 else faulty + info["path"]
        html = get_eventually(last)[2].decode()
        next_href = Selector(text=html).css(SITE_SEL.next_page).get()
        if info["key"] != key:
            assert info["pagination_trap"] is False and next_href is None
            assert get(f"{faulty}{info['path']}?page={info['pages'] + 1}")[0] == 404
            continue
        assert info["pagination_trap"] is True
        links = f"{SITE_SEL.listing_entry} {SITE_SEL.entry_link}"
        entries = Selector(text=html).css(links).getall()
        for page in range(info["pages"] + 1, info["pages"] + 6):
            assert urljoin(last, next_href) == f"{faulty}{info['path']}?page={page}"
            status, _, body = get(urljoin(last, next_href))
            sel = Selector(text=body.decode())
            assert status == 200 and sel.css(links).getall() == entries
            next_href = sel.css(SITE_SEL.next_page).get()
    assert stats(faulty)["faults"].get("pagination_trap", 0) >= 5


def test_oversized_pages_declare_their_size(faulty: str, faulty_manifest: dict) -> None:
    for article in pick(faulty_manifest, lambda a: a["oversized"]):
        assert article["faults"] == ["oversized"] and not article["transient"]
        request = urllib.request.Request(article["url"])
        with urllib.request.urlopen(request, timeout=60) as response:
            size = int(response.headers["Content-Length"])
            head = response.read(4096)
        assert size > PADDING and f"<title>{article['title']} |" in head.decode("utf-8")


# --- revisions and validators -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def revisions() -> Iterator[tuple[str, str]]:
    args = ("--articles", "40", "--seed", "3", "--per-page", "5")
    base_gen, revised_gen = _serve(*args), _serve(*args, "--changed", "4", "--added", "3")
    yield next(base_gen), next(revised_gen)
    for gen in (base_gen, revised_gen):
        next(gen, None)


def test_conditional_requests(revisions: tuple[str, str]) -> None:
    base, _ = revisions
    article = manifest_of(base)["articles"][5]
    status, headers, _ = get(article["url"])
    assert status == 200 and headers["ETag"] == article["etag"]
    assert re.fullmatch(r'"[0-9a-f]{16}"', article["etag"])
    modified = headers["Last-Modified"]
    assert parsedate_to_datetime(modified).isoformat() == (article["updated_at"] or article["published_at"])
    for conditions, expected in (
        ({"If-None-Match": article["etag"]}, 304),
        ({"If-None-Match": f'"other", W/{article["etag"]}'}, 304),
        ({"If-None-Match": "*"}, 304),
        ({"If-Modified-Since": modified}, 304),
        ({"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}, 200),
        ({"If-None-Match": '"other"', "If-Modified-Since": modified}, 200),  # the ETag decides
    ):
        status, headers, body = get(article["url"], conditions)
        assert status == expected, conditions
        assert headers["ETag"] == article["etag"]
        if status == 304:
            assert body == b"" and "Content-Length" not in headers


def test_revisions_change_only_what_they_say(revisions: tuple[str, str]) -> None:
    base, revised = revisions
    before, after = manifest_of(base), manifest_of(revised)
    assert after["revision"] == {"changed": 4, "added": 3} and after["count"] == before["count"] + 3
    added = after["articles"][:3]
    assert [a["revision"] for a in added] == ["added"] * 3
    for article in added:
        status, headers, body = get(article["url"])
        assert status == 200 and headers["ETag"] == article["etag"]
        check_page(body.decode(), article)
    assert added[-1]["published_at"] > before["articles"][0]["published_at"]
    assert not {a["article_id"] for a in added} & {a["article_id"] for a in before["articles"]}
    old = {a["article_id"]: a for a in before["articles"]}
    changed = [a for a in after["articles"][3:] if a["revision"] != "base"]
    assert sorted(a["revision"] for a in changed) == ["changed_content"] * 2 + ["changed_stamp"] * 2
    assert len({a["section"] for a in changed}) == 4  # spread over sections
    for article in after["articles"][3:]:
        was = old[article["article_id"]]
        etag = get(article["url"].replace(revised, base))[1]["ETag"]
        now = get(article["url"])[1]["ETag"]
        assert (etag, now) == (was["etag"], article["etag"])
        if article["revision"] == "base":
            assert now == etag
            assert json.dumps(article).replace(revised, "") == json.dumps(was).replace(base, "")
            continue
        assert now != etag and article["updated_at"] > (was["updated_at"] or was["published_at"])
        assert article["updated_at"][:10] == article["published_at"][:10]  # later the same day
        same = ("title", "summary", "listing_stamp", "published_at")
        assert all(article[k] == was[k] for k in same)
        if article["revision"] == "changed_stamp":
            assert (article["body"], article["subtitle"]) == (was["body"], was["subtitle"])
        else:
            assert article["body"][:-1] == was["body"][:-1]
            assert article["body"][-1].startswith(was["body"][-1] + " ")  # a sentence appended
    # the listings: the added on top, the changed ones' entries unchanged
    for info in html_listings(after):
        html = get(revised + info["path"])[2].decode()
        links = Selector(text=html).css(f"{SITE_SEL.listing_entry} {SITE_SEL.entry_link}").getall()
        fresh = [a["url"] for a in added if a["section"] == info["key"]]
        assert links[: len(fresh)] == fresh, info["key"]
    entries = {}
    for server in (base, revised):
        for info in html_listings(before):
            for page in range(1, 4):
                html = get(f"{server}{info['path']}?page={page}")[2].decode()
                for e in Selector(text=html).css(SITE_SEL.listing_entry):
                    key = (server, urlsplit(e.css(SITE_SEL.entry_link).get()).path)
                    entries[key] = e.css("*").get().replace(server, "")
    for article in changed:
        path = urlsplit(article["url"]).path
        if (base, path) in entries and (revised, path) in entries:
            assert entries[(base, path)] == entries[(revised, path)]


def test_second_run_downloads_only_what_changed(revisions: tuple[str, str]) -> None:
    """What an incremental crawler sees: 304 for every unchanged page it revalidates."""
    base, revised = revisions
    before = manifest_of(base)["articles"]
    reset(revised)
    statuses = {}
    for article in before:
        url = article["url"].replace(base, revised)
        statuses[article["article_id"]] = get(url, {"If-None-Match": article["etag"]})[0]
    after = {a["article_id"]: a["revision"] for a in manifest_of(revised)["articles"]}
    downloaded = {i for i, s in statuses.items() if s == 200}
    assert downloaded == {i for i, r in after.items() if r.startswith("changed")}
    counts = stats(revised)
    assert counts["requests"]["article"] == {"200": 4, "304": len(before) - 4}
    assert counts["total"] == len(before) and counts["faults"] == {}
    detail = json.loads(get(revised + "/__replica__/stats.json?paths=1")[2])
    assert sum(c.get("200", 0) for c in detail["paths"].values()) == 4


def test_faults_inside_an_asyncio_reactor() -> None:
    """The embedded mode: ``listen`` in the spider's asyncio reactor, options given as strings."""
    script = """
from twisted.internet import asyncioreactor
asyncioreactor.install()
import json, time, urllib.request
from twisted.internet import reactor, threads
from newscrawl.replica import Catalogue, listen

cat = Catalogue("12", "1", faults="timeout=1", fault_attempts="1", slow_seconds="0.3")
port = listen(cat, port=0)
url = f"http://127.0.0.1:{port.getHost().port}" + cat.head(0).path

def fetch():
    began = time.monotonic()
    first = urllib.request.urlopen(url, timeout=60).status
    slow = time.monotonic() - began  # a lower bound only: a busy machine adds to it
    second = urllib.request.urlopen(url, timeout=60).status
    stats = json.load(urllib.request.urlopen(url.split("/", 3)[0] + "//" + url.split("/", 3)[2]
                                             + "/__replica__/stats.json", timeout=60))
    return first, slow >= 0.3, second, stats["faults"]  # only the first attempt was delayed

def done(result):
    print(result)
    reactor.stop()

threads.deferToThread(fetch).addBoth(done)
reactor.run()
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert result.stdout.strip() == "(200, True, 200, {'timeout': 1})", result.stderr
