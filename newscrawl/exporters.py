"""Feed exporters tuned for Arabic articles: readable UTF-8, readable lists in CSV, no fake nulls in XML.

* CSV: ``related`` and ``date_issues`` are one line per entry inside their cell (``stamp | title | url``
  and ``field | issue | raw``), other lists are joined by ``; ``; a UTF-8 byte order mark is written
  first when ``NEWSCRAWL_CSV_BOM`` is on (or the feed option ``item_export_kwargs: {"bom": true}``),
  for spreadsheet programs that otherwise read UTF-8 as a legacy code page; a cell a spreadsheet would
  run as a formula gets a leading ``'`` unless ``NEWSCRAWL_CSV_NEUTRALIZE_FORMULAS`` is off.
* XML: a null field is left out (an absent element is null), also inside ``related`` entries, so
  null and the text ``None`` are never confused.
* JSON and JSON Lines: Scrapy's, byte for byte; only the fields of a ``scrapy.Item`` are read without
  an ItemAdapter and a metadata look-up per field (:class:`QuickFieldsMixin`).
"""

from __future__ import annotations

from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.exporters import (
    BaseItemExporter,
    CsvItemExporter,
    JsonItemExporter,
    JsonLinesItemExporter,
    XmlItemExporter,
)

#: Separator of the parts of one line of a list cell in CSV.
PART_SEPARATOR = " | "
BOM_SETTING = "NEWSCRAWL_CSV_BOM"
NEUTRALIZE_SETTING = "NEWSCRAWL_CSV_NEUTRALIZE_FORMULAS"
#: First characters that make a spreadsheet (Excel, LibreOffice, Google Sheets) read a cell as a
#: formula or command (OWASP "CSV injection"): ``=``, ``+``, ``-``, ``@``, tab and carriage return.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(value: Any) -> Any:
    """A cell that would start a formula, prefixed with ``'`` (OWASP's advice: the spreadsheet shows
    the text as written); any other value unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def related_as_text(related: Any) -> str:
    """One line per related item: ``stamp | title | url``, an absent part left empty, so the line
    always has its three parts (the title, in the middle, is the only part that may hold ``|``)."""
    if not related:
        return ""
    return "\n".join(PART_SEPARATOR.join(entry.get(k) or "" for k in ("stamp", "title", "url"))
                     for entry in related)


def date_issues_as_text(issues: Any) -> str:
    """One line per date issue: ``field | issue | raw`` (the raw stamp last, as printed)."""
    if not issues:
        return ""
    return "\n".join(PART_SEPARATOR.join((i["field"], i["issue"], i["raw"])) for i in issues)


class ArticleCsvItemExporter(CsvItemExporter):
    """CSV with ``related`` and ``date_issues`` written as readable lines, other lists joined by ``; ``.

    A cell a spreadsheet would run as a formula (a title starting with ``=``, ``+``, ``-`` or ``@``,
    or a tab or CR) is written with a leading ``'`` (:func:`neutralize_formula`) unless
    ``NEWSCRAWL_CSV_NEUTRALIZE_FORMULAS`` is off (or the feed option ``neutralize_formulas`` is false).
    """

    def __init__(self, *args: Any, bom: bool = False, neutralize_formulas: bool = True,
                 **kwargs: Any) -> None:
        kwargs.setdefault("join_multivalued", "; ")
        super().__init__(*args, **kwargs)
        self.bom = bom
        self.neutralize_formulas = neutralize_formulas

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ArticleCsvItemExporter:
        kwargs.setdefault("bom", crawler.settings.getbool(BOM_SETTING))
        kwargs.setdefault("neutralize_formulas", crawler.settings.getbool(NEUTRALIZE_SETTING, True))
        return cls(*args, **kwargs)

    def start_exporting(self) -> None:
        super().start_exporting()
        if self.bom and _at_start(self.stream):
            self.stream.write("\ufeff")

    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        if name == "related":
            value = related_as_text(value)
        elif name == "date_issues":
            value = date_issues_as_text(value)
        else:
            value = super().serialize_field(field, name, value)
        return neutralize_formula(value) if self.neutralize_formulas else value


def _at_start(stream: Any) -> bool:
    """True at the start of the file (a feed appended to with ``-o`` gets no second mark)."""
    try:
        return stream.buffer.tell() == 0
    except (AttributeError, OSError, ValueError):
        return True


class ArticleXmlItemExporter(XmlItemExporter):
    """XML where a null field (or a null key of a ``related`` entry) has no element at all."""

    def _export_xml_field(self, name: str, serialized_value: Any, depth: int) -> None:
        if serialized_value is None:
            return
        super()._export_xml_field(name, serialized_value, depth)


class QuickFieldsMixin:
    """``get_serialized_fields`` of an exporter without field serializers, for ``scrapy.Item``s:
    Scrapy's wraps the item in an ItemAdapter and looks up each field's metadata for a serializer
    (~25 look-ups a record here), to export the same ``(name, value)`` pairs. Taken only when the
    exporter's ``serialize_field`` is Scrapy's, ``fields_to_export`` is a list of names, empty fields
    are not exported and no field of the item's class declares a serializer; else Scrapy's."""

    def get_serialized_fields(self, item: Any, default_value: Any = None,
                              include_empty: bool | None = None) -> Any:
        values = getattr(item, "_values", None) if isinstance(item, scrapy.Item) else None
        if values.__class__ is not dict or include_empty or not self._quick_fields(type(item)):
            return super().get_serialized_fields(item, default_value, include_empty)  # type: ignore[misc]
        return [(name, values[name]) for name in self.fields_to_export if name in values]  # type: ignore[attr-defined]

    def _quick_fields(self, item_class: type) -> bool:
        cache = self.__dict__.setdefault("_quick_classes", {})
        if item_class not in cache:
            fields = self.fields_to_export  # type: ignore[attr-defined]
            cache[item_class] = (
                type(self).serialize_field is BaseItemExporter.serialize_field
                and not self.export_empty_fields  # type: ignore[attr-defined]
                and isinstance(fields, (list, tuple)) and all(isinstance(f, str) for f in fields)
                and not any("serializer" in meta for meta in item_class.fields.values()))  # type: ignore[attr-defined]
        return cache[item_class]


class ArticleJsonLinesItemExporter(QuickFieldsMixin, JsonLinesItemExporter):
    """Scrapy's JSON Lines exporter (same bytes), reading Article fields directly."""


class ArticleJsonItemExporter(QuickFieldsMixin, JsonItemExporter):
    """Scrapy's JSON exporter (same bytes), reading Article fields directly."""
