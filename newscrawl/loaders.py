"""ArticleLoader: input and output processors of the Article fields, nothing else."""

from __future__ import annotations

from itemloaders.processors import Identity, Join, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from newscrawl.items import Article
from newscrawl.text import normalize_space


def drop_empty(value: str) -> str | None:
    return value or None


class ArticleLoader(ItemLoader):
    """Loads the scraped text fields of an :class:`Article`.

    Values arrive as text (see :mod:`newscrawl.selectors`); every text field is whitespace-normalized;
    single-valued fields take the first non-empty value (so a selector can be followed by
    fallbacks); ``body`` joins its paragraphs, in page order, with a blank line.
    """

    default_item_class = Article
    default_input_processor = MapCompose(normalize_space, drop_empty)
    default_output_processor = TakeFirst()

    body_out = Join("\n\n")
    date_issues_in = Identity()
    date_issues_out = Identity()
