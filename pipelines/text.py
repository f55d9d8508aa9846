"""TextCleaningPipeline: item-level text hygiene the per-field loader cannot see."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from newscrawl.items import item_values
from newscrawl.sites import SiteDefinition, get_site
from newscrawl.text import strip_controls, strip_label


class TextCleaningPipeline:
    """Drop CMS noise paragraphs from ``body``, strip brand-label prefixes, drop a subtitle that
    only repeats the title. Whitespace is already normalized by the ArticleLoader's processors.

    Never drops an item: what it removes is counted under ``text/…`` stats.
    """

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TextCleaningPipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        site = get_site(adapter["site"])  # set by load_article, every item has it
        self._strip_controls(adapter)
        for name in ("title", "image_caption"):
            if adapter.get(name):
                adapter[name] = strip_label(adapter[name], site.brand) or None
        if adapter.get("subtitle") and adapter.get("subtitle") == adapter.get("title"):
            adapter["subtitle"] = None
            self.stats.inc_value("text/subtitle_equal_title")
        body = adapter.get("body")
        if body:
            paragraphs = body.split("\n\n")
            kept = [p for p in paragraphs if not _is_noise(p, site)]
            removed = len(paragraphs) - len(kept)
            if removed:
                self.stats.inc_value("text/noise_paragraphs_removed", removed)
            adapter["body"] = "\n\n".join(kept) or None
        return item

    def _strip_controls(self, adapter: ItemAdapter) -> None:
        """Every field without control characters; counted per field cleaned."""
        for name, value in list(item_values(adapter.item).items()):
            cleaned = _without_controls(value, multiline=name == "body")
            if cleaned is not value:
                adapter[name] = cleaned or None  # a field that held only controls holds nothing
                self.stats.inc_value("text/control_characters_removed")


def _without_controls(value: Any, multiline: bool = False) -> Any:
    """``value`` (text, or a list or dict holding text) without control characters: the same object
    when it has none, a cleaned copy otherwise (see :func:`~newscrawl.text.strip_controls`)."""
    if isinstance(value, str):
        return strip_controls(value, multiline)
    if isinstance(value, list):
        items = [_without_controls(v) for v in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if isinstance(value, dict):
        pairs = {k: _without_controls(v) for k, v in value.items()}
        return value if all(pairs[k] is v for k, v in value.items()) else pairs
    return value


def _is_noise(paragraph: str, site: SiteDefinition) -> bool:
    """A paragraph that is the CMS talking (comment form, footer, brand label), not the article."""
    text = paragraph.strip()
    return text in site.noise_lines or text.startswith(site.noise_prefixes) or text.rstrip(" -") == site.brand
