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
# Control characters that are not whitespace — C0 (NUL, ESC, BEL …), DEL and C1 — are never text: a
# terminal or a spreadsheet would act on them. (Tab, line breaks, form feed, the C0 separators
# \x1c-\x1f and NEL are whitespace, \s, and are normalized as such.) A terminal escape sequence
# (ESC [ or CSI, parameters, a final letter: "\x1b[31m") goes whole, not just its ESC. U+FFFD is
# no text either: what a decoder (libxml2 for a NUL) puts for bytes it could not read.
_CONTROL_CHARS = "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ufffd"
_CONTROLS = re.compile(f"(?:\x1b\\[|\x9b)[0-?]*[ -/]*[@-~]|[{_CONTROL_CHARS}]")
# Whitespace that is not already a single plain space: runs of two or more, or any other space
# character (\s covers NBSP, thin spaces, ideographic space, newlines …).
_SPACES = re.compile(r"\s{2,}|[^\S ]")
# Anything to clean at all: the common case, clean text, costs one regex scan.
_DIRTY = re.compile(f"[{_BIDI_MARKS}{_CONTROL_CHARS}]|\\s{{2,}}|[^\\S ]")
# What normalize_space removes (a control sequence starts with one of these control characters).
_REMOVED = re.compile(f"[{_BIDI_MARKS}{_CONTROL_CHARS}]")
# Whitespace that is a control character: tab, vertical tab, form feed, CR, the C0 separators, NEL
# (the line feed, \n, is added where a line break does not belong).
_BREAK_CHARS = "\t\x0b\x0c\r\x1c-\x1f\x85"
_BREAKS = {False: re.compile(f"[{_BREAK_CHARS}\n]"), True: re.compile(f"[{_BREAK_CHARS}]")}
_STRIP = {False: re.compile(f"[{_CONTROL_CHARS}{_BREAK_CHARS}\n]"),
          True: re.compile(f"[{_CONTROL_CHARS}{_BREAK_CHARS}]")}


def normalize_space(text: str | None) -> str:
    """Collapse every run of Unicode whitespace (NBSP included) to one space, drop bidi marks and
    control characters, strip."""
    if not text:
        return ""
    if _surely_clean(text):
        return text.strip()
    if _REMOVED.search(text):
        text = _BIDI.sub("", _CONTROLS.sub("", text))
    # str.split() cuts at the characters \s matches (both are Py_UNICODE_ISSPACE): the words joined
    # by one space are _SPACES.sub(" ", text).strip(), without _SPACES's costly scan of every position
    return " ".join(text.split())


def _surely_clean(text: str) -> bool:
    """A quick proof that ``text`` holds nothing :func:`normalize_space` or :func:`strip_controls`
    would change but its ends: ``str.isprintable`` (a C loop, ~10x a regex scan) is False for every
    control, format (bidi) and whitespace character other than the plain space, so what is left to
    look for is U+FFFD and a double space. False says nothing (the regexes decide)."""
    return text.isprintable() and "  " not in text and "\ufffd" not in text


def has_controls(text: str) -> bool:
    """Whether ``text`` holds a control character that is not whitespace (NUL, ESC, DEL, C1 …) or
    U+FFFD."""
    return _CONTROLS.search(text) is not None


def strip_controls(text: str, multiline: bool = False) -> str:
    """``text`` without control characters (ESC, NUL, the other C0 and C1 controls, DEL) and U+FFFD,
    which are removed, while tabs and line breaks become a space — except line feeds in ``multiline``
    text (the body's paragraph breaks). Other spacing is left as it is; returns ``text`` itself when
    nothing changes."""
    if _surely_clean(text.replace("\n", "") if multiline else text) or _STRIP[multiline].search(text) is None:
        return text
    return _BREAKS[multiline].sub(" ", _CONTROLS.sub("", text))


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
