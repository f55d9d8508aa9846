"""What the site definition finds on one page, field by field — the report of ``scrapy explain URL``.

For an article page: each field's value and the candidate that gave it (the site's selector, a
structured-data fallback — OpenGraph, JSON-LD — or the listing), the candidates tried before it that
gave nothing, and the fields the crawl fills later. The candidates are those
:func:`newscrawl.extract.load_article` itself loads (:func:`~newscrawl.extract.article_candidates`,
:func:`~newscrawl.extract.choose`): no second copy of the extraction. For a listing page: its entries
and next page. For both: the site's selectors for that kind of page that match nothing on it — the
first thing to look at the day the live markup differs from what the definition expects.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from scrapy.http import TextResponse

from newscrawl.extract import ListingEntry, article_candidates, choose, listing_entries, next_page_url
from newscrawl.items import ARTICLE_FIELDS
from newscrawl.selectors import page_root, select
from newscrawl.sites.base import ARTICLE_SELECTORS, LISTING_SELECTORS, Section, SiteDefinition

#: Fields no page selector gives: who fills them in the crawl.
FILLED_LATER = {
    "other_urls": "the crawl: the mirror and AMP links it met the article under",
    "published_at": "the date pipeline, from published_raw",
    "updated_at": "the date pipeline, from updated_raw (and published_at for a time alone)",
    "date_issues": "the date pipeline: stamps it could not read",
    "change": "the state pipeline: new, or updated since the last run",
}


@dataclass
class FieldReport:
    """One field of an article page: its value and where it came from."""

    field: str
    value: Any
    source: str | None  # the candidate that gave the value; None: nothing did
    empty: list[str] = field(default_factory=list)  # candidates tried before it (or all) that gave nothing
    later: str | None = None  # who fills a field no page selector gives


@dataclass
class PageReport:
    """Everything ``scrapy explain`` says about one page."""

    url: str
    status: int
    site: str
    kind: str  # article, listing or other
    fields: list[FieldReport] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)  # a listing's entries
    next_page: str | None = None
    unmatched: list[tuple[str, str]] = field(default_factory=list)  # (selector name, CSS) matching nothing

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["unmatched"] = [{"name": n, "css": c} for n, c in self.unmatched]
        return data


def explain_article(response: TextResponse, site: SiteDefinition,
                    entry: ListingEntry | None) -> list[FieldReport]:
    """Each field of the article page: value, the candidate that gave it, the ones that gave nothing."""
    candidates = article_candidates(response, site, entry)
    reports = []
    for name in ARTICLE_FIELDS:
        options = candidates.get(name, ())
        value, position = choose(name, options)
        tried = options if position is None else options[:position]
        reports.append(FieldReport(
            field=name, value=value, source=None if position is None else options[position].source,
            empty=[c.source for c in tried], later=FILLED_LATER.get(name) if not options else None))
    return reports


def unmatched_selectors(response: TextResponse, site: SiteDefinition, kind: str) -> list[tuple[str, str]]:
    """The site's selectors for this kind of page that match nothing anywhere in it."""
    root = page_root(response)
    names = LISTING_SELECTORS if kind == "listing" else ARTICLE_SELECTORS
    return [(name, getattr(site.selectors, name)) for name in names
            if not select(root, getattr(site.selectors, name))]


def explain_listing(response: TextResponse, site: SiteDefinition, section: Section) -> PageReport:
    entries = listing_entries(response, site, section)
    return PageReport(url=response.url, status=response.status, site=site.key, kind="listing",
                      entries=[asdict(e) for e in entries], next_page=next_page_url(response, site),
                      unmatched=unmatched_selectors(response, site, "listing"))


def format_report(report: PageReport, width: int = 70) -> str:
    """The report as text: one line per field (value, then where it came from), then the selectors."""
    lines = [f"{report.kind} {report.url} (site {report.site}, HTTP {report.status})"]
    if report.kind == "article":
        lines.append(f"{'field':<14} {'value':<{width}}  from")
        lines += [_field_line(f, width) for f in report.fields]
    elif report.kind == "listing":
        lines.append(f"{len(report.entries)} entries; next page: {report.next_page or 'none'}")
        for name in ("title", "summary", "stamp", "thumbnail"):
            found = sum(1 for e in report.entries if e[name])
            lines.append(f"  {name:<10} in {found} of {len(report.entries)} entries")
        lines += [f"  {e['url']}  {e['title']}" for e in report.entries[:5]]
    if report.unmatched:
        lines.append("selectors that matched nothing on this page:")
        lines += [f"  {name:<20} {css}" for name, css in report.unmatched]
    return "\n".join(lines)


def _field_line(report: FieldReport, width: int) -> str:
    if report.value is None:
        text = "—"
        where = f"later: {report.later}" if report.later else "nothing: " + "; ".join(report.empty)
    else:
        text = _short(report.value, width)
        where = report.source or ""
        if report.empty:
            where += f" (nothing from: {'; '.join(report.empty)})"
    return f"{report.field:<14} {text:<{width}}  {where}"


def _short(value: Any, width: int) -> str:
    if isinstance(value, list):
        text = f"[{len(value)}] " + "; ".join(str(v.get("title", v)) if isinstance(v, dict) else str(v)
                                             for v in value)
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= width else text[:width - 1] + "…"
