"""The JSON Schema (Draft 2020-12) of one exported record: ``article_schema()``.

The schema ships as ``newscrawl/schema/article.json`` (package data); it has one property per field
of :data:`newscrawl.items.ARTICLE_FIELDS`, in export order. No Scrapy import here: validators and
monitors load it cheaply.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from importlib.resources import files
from typing import Any


@lru_cache(maxsize=1)
def _load() -> dict[str, Any]:
    return json.loads(files(__name__).joinpath("article.json").read_text(encoding="utf-8"))


def article_schema() -> dict[str, Any]:
    """The JSON Schema of an exported :class:`~newscrawl.items.Article` (a fresh copy each call)."""
    return copy.deepcopy(_load())


__all__ = ["article_schema"]
