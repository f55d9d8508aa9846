"""Pure text helpers for Arabic news pages: whitespace, bidi marks, datelines and bylines.

No Scrapy import: these are small functions used by the item loader and tested on their own.
The publisher's own characters (tatweel, diacritics, quotes) are always kept; only whitespace and
invisible direction marks are normalized.
"""

from __future__ import annotations

import re

# Invisible marks that only steer text direction: LRM, RLM, ALM, LRE/RLE/PDF/LRO/RLO, isolates, BOM.
_BIDI_MARKS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_BIDI = re.compile(f"[{_BIDI_MARKS}]")
# Whitespace that is not already a single plain space: runs of two or more, or any other space
# character (\s covers NBSP, thin spaces, ideographic space, newlines …).
_SPACES = re.compile(r"\s{2,}|[^\S ]")
# Anything to clean at all: the common case, clean text, costs one regex scan.
_DIRTY = re.compile(f"[{_BIDI_MARKS}]|\\s{{2,}}|[^\\S ]")


def normalize_space(text: str | None) -> str:
    """Collapse every run of Unicode whitespace (NBSP included) to one space, drop bidi marks, strip."""
    if not text:
        return ""
    if _DIRTY.search(text):
        text = _SPACES.sub(" ", _BIDI.sub("", text))
    return text.strip()


_DASHES = "ـ_\\-–—"
# "موسكو ـ ريتا مهنا", "القاهرة - العرب اليوم", "الرباط -المغرب اليوم", "دمشق _ نور خوّام"
_DATELINE = re.compile(
    rf"^(?P<city>[^\d{_DASHES}:.،,؛]{{2,30}}?)\s*(?:\s[{_DASHES}]+\s*|\s*[{_DASHES}]+\s)(?P<author>[^\d:.،؛]{{2,50}})$"
)
_MAX_DATELINE_WORDS = 4  # a city, an author or an agency is a few words at most


def parse_dateline(text: str | None) -> tuple[str, str] | None:
    """Split a news dateline ``city ـ author`` into ``(city, author)``; None when it is not one.

    A dateline is a short line: a city of up to four words, a separator (tatweel, hyphen, underscore
    or dash, with a space on at least one side) and an author, agency or brand.
    """
    line = normalize_space(text)
    if not line or len(line) > 80:
        return None
    match = _DATELINE.match(line)
    if not match:
        return None
    city = match["city"].strip()
    author = match["author"].strip(f" {_DASHES}")
    if not author or len(city.split()) > _MAX_DATELINE_WORDS or len(author.split()) > _MAX_DATELINE_WORDS:
        return None
    return city, author


# "بقلم : name", "بقلم - name", "بقلم: name", "بقلم:name", "بقلم name"
_BYLINE = re.compile(rf"^بقلم\s*[:{_DASHES}]?\s*(?P<name>[^\d:]{{2,60}})$")


def parse_byline(text: str | None) -> str | None:
    """The writer's name from an opinion column's byline (``بقلم : name``), or None."""
    line = normalize_space(text)
    match = _BYLINE.match(line)
    if not match:
        return None
    name = match["name"].strip(f" {_DASHES}")
    return name if name and len(name.split()) <= 6 else None


def strip_label(text: str, label: str) -> str:
    """Remove a leading brand label (``العرب اليوم -``) from ``text``; other text is kept as is."""
    line = normalize_space(text)
    if label and line.startswith(label):
        rest = line[len(label) :].lstrip()
        if rest.startswith("-"):
            return rest[1:].strip()
    return line
