"""The shipped JSON Schema of the exported record: it matches the item fields and the real exports."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from newscrawl.items import ARTICLE_FIELDS
from newscrawl.schema import article_schema


def _errors(record: dict[str, Any]) -> list[str]:
    validator = Draft202012Validator(article_schema())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(record)]


def test_schema_is_valid_draft_2020_12_with_every_field_in_export_order():
    schema = article_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert tuple(schema["properties"]) == ARTICLE_FIELDS
    assert tuple(schema["required"]) == ARTICLE_FIELDS
    assert schema["additionalProperties"] is False


def test_schema_ships_as_package_data():
    import newscrawl.schema

    assert (Path(newscrawl.schema.__file__).parent / "article.json").is_file()
    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    assert '"schema/*.json"' in pyproject


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    """The record the README shows (one real article as the replica serves it)."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("One record, the publisher's real article", 1)[1].split("```json", 1)[1]
    return json.loads(block.split("```", 1)[0].replace("PORT", "8000"))


def test_the_readme_example_record_validates(example: dict[str, Any]):
    assert _errors(example) == []


@pytest.mark.parametrize("field, value", [
    ("published_at", "None"),  # a null written as text
    ("published_at", "2025-04-22T10:18:00"),  # not UTC
    ("title", ""),
    ("url", None),
    ("related", []),  # an empty list is exported as null
    ("date_issues", [{"field": "published_raw", "raw": "x"}]),  # an issue without its code
    ("change", "unchanged"),
])
def test_the_schema_refuses_what_the_pipelines_never_export(example, field: str, value: Any):
    record = copy.deepcopy(example)
    record[field] = value
    assert _errors(record)


def test_the_schema_refuses_a_missing_or_unknown_field(example):
    record = copy.deepcopy(example)
    del record["subtitle"]
    assert _errors(record)
    record = {**example, "extra": 1}
    assert _errors(json.loads(json.dumps(record)))
