"""ArticleLoader: input and output processors of the Article fields, nothing else."""

from __future__ import annotations

from itemloaders.processors import Identity, Join, MapCompose, TakeFirst
from scrapy.loader import ItemLoader
from w3lib.html import remove_tags, replace_entities

from newscrawl.items import Article
from newscrawl.text import normalize_space


def html_to_text(value: str) -> str:
    """Visible text of an HTML fragment (``<br>`` becomes a space), whitespace normalized."""
    if "<" in value:
        value = remove_tags(value.replace("<br>", " ").replace("<br/>", " ").replace("<br />", " "))
    return normalize_space(replace_entities(value))


def drop_empty(value: str) -> str | None:
    return value or None


class ArticleLoader(ItemLoader):
    """Loads an :class:`Article` from selectors, raw HTML fragments or plain values.

    Every text field is tag-stripped, entity-decoded and whitespace-normalized; single-valued
    fields take the first non-empty value (so a selector can be followed by fallbacks); ``body``
    joins its paragraphs, in page order, with a blank line; ``related`` keeps its list of dicts.
    """

    default_item_class = Article
    default_input_processor = MapCompose(html_to_text, drop_empty)
    default_output_processor = TakeFirst()

    body_out = Join("\n\n")
    related_in = Identity()
    related_out = Identity()
    date_issues_in = Identity()
    date_issues_out = Identity()
