"""A picture of one run: the run report as a self-contained HTML page with plain SVG charts.

Pure (no Scrapy): :func:`render_page` takes the archived run (the run report plus the articles per
publication day, see :mod:`newscrawl.history`) and the runs before it, and returns one HTML document
with no script, no external resource (a Content-Security-Policy forbids any) and these charts:
articles per section, articles per publication day, field coverage, failures by reason, and the trend
over the last runs (articles seen, failures, lowest coverage, duration), in which a run far off the
median of the ones before it is marked. :func:`run_summary` is also the row of ``scrapy runs``.

Every bar and point carries ``data-label`` and ``data-value`` with the exact number it draws.
"""

from __future__ import annotations

import html
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

WIDTH = 760
BAR = 18  # height of one horizontal bar
GAP = 6
LABEL = 150  # width of the label column
MAX_DAYS = 92  # more publication days than this are drawn per month
_CSP = "default-src 'none'; style-src 'unsafe-inline'"  # nothing loaded from anywhere, no script

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:800px;
color:#1d2330;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid #e3e6ec}
.meta{color:#5b6475;margin:0 0 16px}.numbers{display:flex;flex-wrap:wrap;gap:10px;margin:0;padding:0}
.numbers div{background:#f3f5f9;border-radius:6px;padding:8px 12px;min-width:90px}
.numbers dt{font-size:12px;color:#5b6475}.numbers dd{margin:0;font-size:20px;font-weight:600}
svg text{font-size:12px;fill:#1d2330}svg .value{fill:#3b4252}svg .axis{stroke:#c9ced8}
.bar rect{fill:#3d7bd9}.bar.low rect{fill:#d9534f}.bar.low text{fill:#c9302c;font-weight:600}
.bar.fail rect{fill:#e0883e}
.point circle{fill:#3d7bd9}.point.current circle{stroke:#1d2330;stroke-width:2}
.point.drop circle{fill:#d9534f}polyline{fill:none;stroke:#8fb0e3;stroke-width:2}
.alert{background:#fdecea;border-left:4px solid #d9534f;padding:8px 12px;margin:8px 0}
.note{color:#5b6475;font-size:13px}.trend{display:grid;grid-template-columns:1fr 1fr;gap:8px 16px}
.trend h3{font-size:13px;margin:8px 0 0;font-weight:600}
"""


# --- numbers ---------------------------------------------------------------------------------------

def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def lowest_coverage(report: dict[str, Any]) -> tuple[float | None, str]:
    """The lowest coverage among the fields the run checks (``thresholds.min_coverage``), else among
    all fields; and which field it is. None when nothing was exported (coverage means nothing then)."""
    coverage = report.get("coverage") or {}
    if not coverage or not (report.get("articles") or {}).get("exported"):
        return None, ""
    checked = [f for f in ((report.get("thresholds") or {}).get("min_coverage") or {}) if f in coverage]
    field = min(checked or coverage, key=lambda f: coverage[f])
    return float(coverage[field]), field


def run_summary(record: dict[str, Any]) -> dict[str, Any]:
    """The figures of one archived run that the trend and ``scrapy runs`` show."""
    articles = record.get("articles") or {}
    start, finish = _time(record.get("start_time")), _time(record.get("finish_time"))
    coverage, field = lowest_coverage(record)
    thresholds = record.get("thresholds") or {}
    return {
        "started": start.strftime("%Y-%m-%d %H:%M:%S") if start else "",
        "duration": (finish - start).total_seconds() if start and finish else None,
        "exported": int(articles.get("exported", 0)),
        "new": int(articles.get("new", 0)),
        "updated": int(articles.get("updated", 0)),
        "unchanged": int(articles.get("skipped_unchanged", 0)),
        "seen": int(articles.get("exported", 0)) + int(articles.get("skipped_unchanged", 0)),
        "failures": sum((record.get("failures") or {}).values()),
        "dropped": sum((record.get("dropped") or {}).values()),
        "coverage": coverage,
        "coverage_field": field,
        "finish": str(record.get("spider_finished") or ""),
        "breaches": len(thresholds.get("breaches") or []),
        "verdict": str((record.get("verdict") or {}).get("line") or ""),  # the exit-status rule that decided
    }


def by_publication_day(days: dict[str, int]) -> tuple[list[tuple[str, int]], str]:
    """Counts per day, in date order (``(no date)`` last), or per month beyond :data:`MAX_DAYS` days."""
    dated = sorted((d, n) for d, n in days.items() if d != "")
    undated = [("(no date)", days[""])] if days.get("") else []
    if len(dated) <= MAX_DAYS:
        return dated + undated, "day"
    months: Counter[str] = Counter()
    for day, n in dated:
        months[day[:7]] += n
    return sorted(months.items()) + undated, "month"


def flagged(values: Sequence[float | None], higher_is_worse: bool = False) -> bool:
    """Whether the last value is far off the median of the ones before it (at least 3 of them):
    under half of it, or for failures above twice it and by more than 10."""
    earlier = [v for v in values[:-1] if v is not None]
    last = values[-1] if values else None
    if last is None or len(earlier) < 3:
        return False
    median = statistics.median(earlier)
    if higher_is_worse:
        return last > 2 * median and last - median > 10
    return median > 0 and last < median / 2


# --- SVG -------------------------------------------------------------------------------------------

def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def hbar_chart(chart_id: str, items: Sequence[tuple[str, float]], fmt: Callable[[float], str],
               scale_max: float | None = None, classes: Callable[[str, float], str] | None = None) -> str:
    """Horizontal bars, one per ``(label, value)``, with the value written after each bar."""
    top = scale_max or max((v for _, v in items), default=0) or 1
    room = WIDTH - LABEL - 70
    height = len(items) * (BAR + GAP) + GAP
    rows = []
    for i, (label, value) in enumerate(items):
        y = GAP + i * (BAR + GAP)
        width = max(0.0, value / top * room)
        extra = classes(label, value) if classes else ""
        rows.append(
            f'<g class="bar {extra}" data-label="{_esc(label)}" data-value="{_esc(value)}">'
            f'<text x="{LABEL - 8}" y="{y + BAR - 5}" text-anchor="end">{_esc(label)}</text>'
            f'<rect x="{LABEL}" y="{y}" width="{width:.1f}" height="{BAR}" rx="2"/>'
            f'<text class="value" x="{LABEL + width + 6:.1f}" y="{y + BAR - 5}">{_esc(fmt(value))}</text></g>'
        )
    return (f'<svg id="{chart_id}" role="img" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">{"".join(rows)}</svg>')


def vbar_chart(chart_id: str, items: Sequence[tuple[str, int]]) -> str:
    """Columns in order (days), the count above each when there is room, labels thinned out."""
    height, base, top_pad, left = 230, 170, 18, 70
    top = max((v for _, v in items), default=0) or 1
    step = min(48.0, (WIDTH - left - 10) / max(len(items), 1))
    every = max(1, round(len(items) / 12))  # at most ~12 date labels
    cols = [f'<line class="axis" x1="{left - 4}" y1="{base}" x2="{left + step * len(items) + 4:.1f}" '
            f'y2="{base}"/>']
    for i, (label, value) in enumerate(items):
        x = left + i * step
        h = value / top * (base - top_pad)
        w = max(1.0, step * 0.8)
        parts = [f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{w:.1f}" height="{h:.1f}"/>']
        if step >= 18:
            parts.append(f'<text class="value" x="{x + w / 2:.1f}" y="{base - h - 3:.1f}" '
                         f'text-anchor="middle">{value}</text>')
        if i % every == 0 or i == len(items) - 1:
            parts.append(f'<text x="{x + w / 2:.1f}" y="{base + 14}" text-anchor="end" '
                         f'transform="rotate(-40 {x + w / 2:.1f} {base + 14})">{_esc(label)}</text>')
        cols.append(f'<g class="bar" data-label="{_esc(label)}" data-value="{value}">{"".join(parts)}</g>')
    return (f'<svg id="{chart_id}" role="img" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">{"".join(cols)}</svg>')


def line_chart(chart_id: str, points: Sequence[tuple[str, float | None]], fmt: Callable[[float], str],
               drop: bool, scale: tuple[float, float] | None = None) -> str:
    """The last runs left to right, each value written at its point, the first and last run's start
    under the axis; the last run outlined, and red when ``drop``. The scale starts at 0 (or ``scale``)."""
    width, height, pad = WIDTH // 2 - 16, 160, 28
    values = [v for _, v in points if v is not None]
    low, high = scale or (0.0, max(values, default=0.0))
    span = (high - low) or 1.0
    step = (width - 2 * pad) / max(len(points) - 1, 1)
    coords, marks = [], []
    for i, (label, value) in enumerate(points):
        x = pad + i * step if len(points) > 1 else width / 2
        if i in (0, len(points) - 1):
            anchor = "start" if i == 0 and len(points) > 1 else "end" if len(points) > 1 else "middle"
            marks.append(f'<text class="value" x="{x:.1f}" y="{height - 4}" text-anchor="{anchor}">'
                         f'{_esc(label[5:16])}</text>')
        if value is None:
            continue
        y = height - pad - (value - low) / span * (height - 2 * pad - 8)
        coords.append(f"{x:.1f},{y:.1f}")
        last = i == len(points) - 1
        css = "point" + (" current" if last else "") + (" drop" if last and drop else "")
        marks.append(f'<g class="{css}" data-label="{_esc(label)}" data-value="{_esc(value)}">'
                     f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4"><title>{_esc(label)}: {_esc(fmt(value))}'
                     f'</title></circle><text class="value" x="{x:.1f}" y="{y - 8:.1f}" '
                     f'text-anchor="middle">{_esc(fmt(value))}</text></g>')
    line = f'<polyline points="{" ".join(coords)}"/>' if len(coords) > 1 else ""
    return (f'<svg id="{chart_id}" role="img" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
            f'<line class="axis" x1="{pad / 2}" y1="{height - pad + 4}" x2="{width - pad / 2}" '
            f'y2="{height - pad + 4}"/>{line}{"".join(marks)}</svg>')


# --- the page --------------------------------------------------------------------------------------

def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def _seconds(value: float) -> str:
    return f"{value:.1f} s" if value < 10 else f"{value:.0f} s" if value < 120 else f"{value / 60:.1f} min"


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _numbers(summary: dict[str, Any]) -> str:
    shown = (("exported", summary["exported"]), ("new", summary["new"]), ("updated", summary["updated"]),
             ("unchanged", summary["unchanged"]), ("failed pages", summary["failures"]),
             ("dropped items", summary["dropped"]),
             ("duration", _seconds(summary["duration"]) if summary["duration"] is not None else "–"))
    cells = "".join(f'<div data-name="{_esc(k)}"><dt>{_esc(k)}</dt><dd>{_esc(v)}</dd></div>'
                    for k, v in shown)
    return f'<dl class="numbers" id="numbers">{cells}</dl>'


def _trend(runs: Sequence[dict[str, Any]]) -> tuple[str, list[str]]:
    summaries = [run_summary(r) for r in runs]
    labels = [s["started"] or f"run {i + 1}" for i, s in enumerate(summaries)]
    series: tuple[tuple[str, str, str, Callable[[float], str], bool | None, Any], ...] = (
        ("trend-articles", "Articles seen (exported + unchanged)", "seen", _count, False, None),
        ("trend-failures", "Failed pages", "failures", _count, True, None),
        ("trend-coverage", "Coverage, lowest checked field", "coverage", _percent, False, (0.0, 1.0)),
        ("trend-duration", "Duration", "duration", _seconds, None, None),
    )
    charts, alerts = [], []
    for chart_id, title, key, fmt, worse, scale in series:
        values = [s[key] for s in summaries]
        drop = worse is not None and flagged(values, higher_is_worse=worse)
        if drop:
            earlier = statistics.median(v for v in values[:-1] if v is not None)
            alerts.append(f"{title}: {fmt(values[-1])} in this run, against a median of {fmt(earlier)}"
                          f" over the {len(values) - 1} runs before it")
        chart = line_chart(chart_id, list(zip(labels, values, strict=True)), fmt, drop, scale)
        charts.append(f"<div><h3>{_esc(title)}</h3>{chart}</div>")
    return f'<div class="trend">{"".join(charts)}</div>', alerts


def render_page(record: dict[str, Any], earlier: Sequence[dict[str, Any]], title: str) -> str:
    """The HTML page of the run ``record``, with the trend over ``earlier`` runs (oldest first) and it."""
    summary = run_summary(record)
    articles = record.get("articles") or {}
    # Sections asked for that gave nothing are drawn too (a zero bar, in red): a quiet section stands out.
    requested = [*record.get("sections_requested", ()),  # the report's sections are "<site>/<section>"
                 *(name.rsplit("/", 1)[-1] for name in record.get("sections") or {})]
    counts = dict.fromkeys(requested, 0) | (articles.get("by_section") or {})
    sections = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    days, unit = by_publication_day(record.get("published_days") or {})
    coverage = list((record.get("coverage") or {}).items())
    minimum = (record.get("thresholds") or {}).get("min_coverage") or {}
    failures = sorted((record.get("failures") or {}).items(), key=lambda kv: (-kv[1], kv[0]))
    trend, alerts = _trend([*earlier, record])
    outcome = summary["verdict"] or f"threshold breaches: {summary['breaches']}"

    def low(field: str, value: float) -> str:
        return "low" if field in minimum and value < float(minimum[field]) else ""

    body = [
        f"<h1>{_esc(title)}</h1>",
        f'<p class="meta">started {_esc(summary["started"] or "?")} UTC · finished: '
        f'{_esc(summary["finish"] or "?")} · '
        f'{_esc(outcome)}</p>',
        _numbers(summary),
        *(f'<p class="alert">{_esc(a)}</p>' for a in alerts),
        "<h2>Articles per section</h2>",
        hbar_chart("chart-sections", sections, _count, classes=lambda _, n: "" if n else "low") if sections
        else '<p class="note">No article was exported.</p>',
        f"<h2>Articles per publication {unit}</h2>",
        vbar_chart("chart-days", days) if days else '<p class="note">No article was exported.</p>',
        "<h2>Field coverage</h2>",
        '<p class="note">Share of the exported articles with each field; red: below its threshold.</p>'
        if coverage else "",
        hbar_chart("chart-coverage", coverage, _percent, scale_max=1.0, classes=low) if summary["exported"]
        else '<p class="note">No article was exported.</p>',
        "<h2>Failures by reason</h2>",
        hbar_chart("chart-failures", failures, _count, classes=lambda *_: "fail") if failures
        else '<p class="note" id="no-failures">No page failed.</p>',
        f"<h2>The last {len(earlier) + 1} runs</h2>",
        trend,
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_esc(title)}</title>'
        f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n"
    )
