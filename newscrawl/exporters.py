"""Feed exporters tuned for Arabic articles: readable UTF-8 and a flat, readable ``related`` in CSV."""

from __future__ import annotations

from typing import Any

from scrapy.exporters import CsvItemExporter


def related_as_text(related: Any) -> str:
    """One line per related item: ``stamp | title | url`` (the stamp part left out when absent)."""
    if not related:
        return ""
    lines = []
    for entry in related:
        parts = [entry.get("stamp"), entry.get("title"), entry.get("url")]
        lines.append(" | ".join(p for p in parts if p))
    return "\n".join(lines)


class ArticleCsvItemExporter(CsvItemExporter):
    """CSV with ``related`` written as readable lines and list fields joined by ``; ``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("join_multivalued", "; ")
        super().__init__(*args, **kwargs)

    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        if name == "related":
            return related_as_text(value)
        return super().serialize_field(field, name, value)
