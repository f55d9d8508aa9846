"""newscrawl.incremental: fingerprints that name content, not the host that served it."""

import pytest
from scrapy.utils.test import get_crawler

from newscrawl.extract import ListingEntry
from newscrawl.incremental import (
    IncrementalState,
    content_fingerprint,
    legacy_content_fingerprint,
    listing_fingerprint,
    without_origin,
)
from newscrawl.state import ArticleState, StateStore

FIELDS = {"title": "عنوان", "subtitle": "عنوان فرعي", "body": "فقرة", "updated_raw": "آخر تحديث GMT12:58:10",
          "image_caption": "تعليق", "author": "ريتا مهنا"}


def item(image_url: str | None = "http://127.0.0.1:8000/uploads/images/095935.jpg", **fields) -> dict:
    return FIELDS | {"image_url": image_url} | fields


@pytest.mark.parametrize(("url", "expected"), [
    ("http://127.0.0.1:8000/uploads/images/1.jpg?v=2", "/uploads/images/1.jpg?v=2"),
    ("https://www.arabstoday.net/uploads/images/1.jpg", "/uploads/images/1.jpg"),
    ("https://cdn.example", "/"),
    ("https://cdn.example?v=1", "?v=1"),
    ("https://cdn.example#a", "#a"),
    ("/uploads/images/1.jpg", "/uploads/images/1.jpg"),
    ("", ""),
    (None, None),
])
def test_without_origin(url, expected):
    assert without_origin(url) == expected


def test_content_fingerprint_does_not_depend_on_the_host():
    here = content_fingerprint(item())
    assert content_fingerprint(item("https://mail.arabstoday.net/uploads/images/095935.jpg")) == here
    assert content_fingerprint(item("http://127.0.0.1:8000/uploads/images/095936.jpg")) != here
    assert content_fingerprint(item(image_url=None)) != here
    for name in FIELDS:  # every content field counts
        assert content_fingerprint(item(**{name: FIELDS[name] + "!"})) != here, name


def test_listing_fingerprint_does_not_depend_on_the_host():
    def entry(thumbnail: str, **fields) -> ListingEntry:
        known = {"url": "http://h/40/1-a", "section": "syria", "title": "خبر", "summary": "ملخص",
                 "thumbnail": thumbnail, "stamp": "GMT 10:18"}
        return ListingEntry(**(known | fields))

    here = listing_fingerprint(entry("http://127.0.0.1:8000/uploads/thumbs/1.jpg"))
    assert listing_fingerprint(entry("http://127.0.0.1:9000/uploads/thumbs/1.jpg")) == here
    assert listing_fingerprint(entry("http://127.0.0.1:9000/uploads/thumbs/2.jpg")) != here
    assert listing_fingerprint(entry("x", source="rss")) is None


@pytest.fixture
def state(tmp_path):
    crawler = get_crawler(settings_dict={})
    crawler.stats.open_spider()
    store = StateStore(tmp_path / "state.sqlite")
    yield IncrementalState(crawler, store)
    store.close()


def _remember(state: IncrementalState, fp: str) -> None:
    state.store.mark_exported([ArticleState(key="arabstoday:40/095935", url="u", listing_fp=None,
                                            content_fp=fp)])


def test_an_article_from_another_origin_is_unchanged(state):
    assert state.classify("arabstoday:40/095935", item()) == "new"
    _remember(state, content_fingerprint(item()))
    assert state.classify("arabstoday:40/095935", item("http://127.0.0.1:9000/uploads/images/095935.jpg")) \
        == "unchanged"
    assert state.classify("arabstoday:40/095935", item(body="فقرة أخرى")) == "updated"


def test_a_state_written_with_the_host_in_the_fingerprint_is_still_read(state):
    _remember(state, legacy_content_fingerprint(item()))
    assert legacy_content_fingerprint(item()) != content_fingerprint(item())
    assert state.classify("arabstoday:40/095935", item()) == "unchanged"
    assert state.classify("arabstoday:40/095935", item(title="عنوان جديد")) == "updated"


def test_full_ignores_the_state(state):
    _remember(state, content_fingerprint(item()))
    state.full = True
    assert state.classify("arabstoday:40/095935", item()) == "new"

