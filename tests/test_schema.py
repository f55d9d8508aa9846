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
from tests.conftest import run_crawl


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
def faulty_crawl(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """A replica crawl with every fault kind: nulls, date issues, related lists, all in the export."""
    tmp = tmp_path_factory.mktemp("schema")
    result = run_crawl(tmp, "-a", "source=replica", "-a", "replica_faults=all",
                       "-a", "sections=syria,economy,writers", "-s", "DOWNLOAD_TIMEOUT=1",
                       "-s", "NEWSCRAWL_RETRY_BACKOFF_BASE=0.05")
    assert result.feeds["items.jsonl"].exists(), result.log[-3000:]
    return result.items()


def test_a_replica_crawl_export_validates(faulty_crawl: list[dict[str, Any]]):
    assert len(faulty_crawl) > 50
    for record in faulty_crawl:
        assert _errors(record) == [], record["url"]
    # the export exercised the nullable and nested parts of the schema, not only the plain fields
    assert any(r["date_issues"] for r in faulty_crawl)
    assert any(r["related"] for r in faulty_crawl)
    assert any(r["subtitle"] is None for r in faulty_crawl)


@pytest.mark.parametrize("field, value", [
    ("published_at", "None"),  # a null written as text
    ("published_at", "2025-04-22T10:18:00"),  # not UTC
    ("title", ""),
    ("url", None),
    ("related", []),  # an empty list is exported as null
    ("date_issues", [{"field": "published_raw", "raw": "x"}]),  # an issue without its code
    ("change", "unchanged"),
])
def test_the_schema_refuses_what_the_pipelines_never_export(faulty_crawl, field: str, value: Any):
    record = copy.deepcopy(faulty_crawl[0])
    record[field] = value
    assert _errors(record)


def test_the_schema_refuses_a_missing_or_unknown_field(faulty_crawl):
    record = copy.deepcopy(faulty_crawl[0])
    del record["subtitle"]
    assert _errors(record)
    record = {**faulty_crawl[0], "extra": 1}
    assert _errors(json.loads(json.dumps(record)))
