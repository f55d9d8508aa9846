"""The normalized form the parser reads: one digit system, one spelling of each letter, single spaces."""

from __future__ import annotations

import re
import unicodedata


def _translation() -> dict[int, int | None]:  # pragma: no mutate block (runs at import)
    table: dict[int, int | None] = {}
    for i in range(10):
        table[0x0660 + i] = 0x30 + i  # Eastern Arabic-Indic digits
        table[0x06F0 + i] = 0x30 + i  # Persian digits
    deleted = [0x0640, 0x0670, 0x061C, 0xFEFF, 0x00AD, 0x180E]
    deleted += range(0x064B, 0x0660)  # harakat, tanween, shadda, sukun ...
    deleted += range(0x06D6, 0x06EE)  # Quranic annotation marks
    deleted += range(0x200B, 0x2010)  # ZW space/joiners, LRM, RLM
    deleted += range(0x202A, 0x202F)  # LRE RLE PDF LRO RLO
    deleted += range(0x2060, 0x2070)  # word joiner, LRI RLI FSI PDI ...
    for cp in deleted:
        table[cp] = None
    for cp in (0x0622, 0x0623, 0x0625, 0x0671, 0x0672, 0x0673):
        table[cp] = 0x0627  # alef forms -> ا
    for cp, to in _LETTERS:
        table[cp] = to
    for cp in range(0x2010, 0x2016):
        table[cp] = 0x2D  # hyphens and dashes
    for cp in (0x00A0, 0x1680, 0x202F, 0x205F, 0x3000, *range(0x2000, 0x200B)):
        table[cp] = 0x20
    return table


_LETTERS = (
    (0x0649, 0x064A),  # ى -> ي
    (0x06CC, 0x064A),  # Farsi yeh
    (0x0629, 0x0647),  # ة -> ه
    (0x06C1, 0x0647),
    (0x06BE, 0x0647),
    (0x06D5, 0x0647),
    (0x06A9, 0x0643),  # keheh -> ك
    (0x06A4, 0x0641),  # ڤ -> ف
    (0x060C, 0x2C),  # Arabic comma
    (0x066C, 0x2C),
    (0x061B, 0x3B),  # Arabic semicolon
    (0x06D4, 0x2E),
    (0x066B, 0x2E),
    (0x060D, 0x2F),  # Arabic date separator
    (0x5C, 0x2F),
    (0x2044, 0x2F),
    (0x2215, 0x2F),
    (0xFF0F, 0x2F),
    (0xFF1A, 0x3A),
    (0xFF0C, 0x2C),
    (0x2212, 0x2D),
)
TABLE = _translation()
_SPECIAL_RE = re.compile("[\u0660-\u0669\u06f0-\u06f9\ufb50-\ufdff\ufe70-\ufefc]")
_EASTERN_RE = re.compile("[\u0660-\u0669]")
_PERSIAN_RE = re.compile("[\u06f0-\u06f9]")
_PRESENTATION_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]")
_WESTERN_RE = re.compile("[0-9]")


def normalize_text(text: str) -> str:
    """Return the normalized form the parser works on (digits, letters, spaces)."""
    if _PRESENTATION_RE.search(text):
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.translate(TABLE).lower().split())


def key(text: str) -> str:
    """The normalized spelling of a table word (table words have no presentation forms)."""
    return " ".join(text.translate(TABLE).lower().split())


def digits_system(text: str) -> str | None:
    """Which digits the raw text uses: western, arabic-indic, persian, mixed, or None."""
    if _SPECIAL_RE.search(text) is None:
        return "western" if _WESTERN_RE.search(text) else None
    systems = []
    if _WESTERN_RE.search(text):
        systems.append("western")
    if _EASTERN_RE.search(text):
        systems.append("arabic-indic")
    if _PERSIAN_RE.search(text):
        systems.append("persian")
    if not systems:
        return None
    return systems[0] if len(systems) == 1 else "mixed"
