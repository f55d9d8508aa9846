"""Read the four feed formats back into records, and check them against the shipped JSON Schema.

Used by :func:`tests.conftest.run_crawl` on every feed of every crawl the tests run. CSV and XML are
read as a consumer of those formats would: an empty CSV cell and an absent XML element are null; the
list cells of CSV are split as :mod:`newscrawl.exporters` writes them (a related entry's
``published_at`` is not in CSV and reads back null); XML lists and objects follow the schema.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from lxml import etree

from newscrawl.exporters import PART_SEPARATOR
from newscrawl.schema import article_schema


def read_feed(path: Path) -> list[dict[str, Any]]:
    """The records of a feed file, by its extension (``.jsonl``/``.jl``, ``.json``, ``.csv``, ``.xml``)."""
    readers = {".jsonl": read_jsonl, ".jl": read_jsonl, ".json": read_json, ".csv": read_csv,
               ".xml": read_xml}
    return readers[path.suffix](path)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def read_json(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))


def read_csv(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:  # -sig: with or without a BOM
        return [_csv_record(row) for row in csv.DictReader(handle)]


def _csv_record(row: dict[str, str]) -> dict[str, Any]:
    record: dict[str, Any] = {name: value or None for name, value in row.items()}
    if record.get("other_urls"):
        record["other_urls"] = record["other_urls"].split("; ")
    if record.get("related"):
        record["related"] = [_related_line(line) for line in record["related"].split("\n")]
    if record.get("date_issues"):
        keys = ("field", "issue", "raw")
        record["date_issues"] = [dict(zip(keys, line.split(PART_SEPARATOR, 2), strict=True))
                                 for line in record["date_issues"].split("\n")]
    return record


def _related_line(line: str) -> dict[str, Any]:
    parts = line.split(PART_SEPARATOR)
    stamp, title, url = parts[0], PART_SEPARATOR.join(parts[1:-1]), parts[-1]
    return {"title": title or None, "url": url or None, "stamp": stamp or None, "published_at": None}


def read_xml(path: Path) -> list[dict[str, Any]]:
    schema = article_schema()
    root = etree.parse(str(path)).getroot()
    return [_xml_object(node, schema, schema) for node in root.iterchildren("item")]


def _xml_object(node: Any, spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """An element's children as an object of the schema ``spec``: an absent element is null, an
    element the schema does not know is kept (so that validation reports it)."""
    record: dict[str, Any] = {}
    for name, prop in spec["properties"].items():
        child = node.find(name)
        record[name] = None if child is None else _xml_value(child, _resolve(prop, schema), schema)
    for child in node:
        if child.tag not in spec["properties"]:
            record[child.tag] = child.text
    return record


def _xml_value(element: Any, prop: dict[str, Any], schema: dict[str, Any]) -> Any:
    types = prop.get("type", [])
    types = [types] if isinstance(types, str) else types
    if "array" in types:
        item = _resolve(prop["items"], schema)
        return [_xml_value(value, item, schema) for value in element.iterchildren("value")]
    if "object" in types:
        return _xml_object(element, prop, schema)
    return element.text or ""


def _resolve(prop: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = prop.get("$ref")
    if not ref:
        return prop
    node: Any = schema
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def schema_errors(records: list[dict[str, Any]]) -> list[str]:
    """Every schema violation of ``records``, as ``#index url path: message`` lines."""
    validator = Draft202012Validator(article_schema())
    return [f"#{n} {record.get('url')} {'/'.join(map(str, e.absolute_path))}: {e.message}"
            for n, record in enumerate(records) for e in validator.iter_errors(record)]


def assert_valid_feed(path: Path) -> list[dict[str, Any]]:
    """Read a feed back and fail, naming the first violations, unless every record fits the schema."""
    records = read_feed(path)
    errors = schema_errors(records)
    assert not errors, f"{path.name}: {len(errors)} schema violations:\n" + "\n".join(errors[:20])
    return records
