"""Sets of article identities whose memory does not grow in Python objects with the crawl's size.

A crawl remembers every article it requested (dedupe across listings, mirrors and copies), every
article each section listed (pagination-trap detection), every article exported in the run. With a
Python ``set`` of strings that is ~200 bytes per article and object per article, which a back-fill
of two million articles cannot afford. An article identity (:func:`newscrawl.extract.article_identity`,
``family:section/id``, ``w-`` for a writer's section) is made of a site family and two digit strings;
:func:`pack` turns it into one 63-bit integer **exactly** (digit counts included, so ``095935`` and
``95935`` stay two identities), and :class:`IdentitySet` keeps those integers in a compressed
bitmap (pyroaring's ``BitMap64``: a few bytes per article, C code). No hash, hence no collision that
could drop an article; the rare identity that does not fit the layout (a path-based identity, a very
long id) is kept as a string in a plain set beside it.

Pure Python, no Scrapy import.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pyroaring import BitMap64

# Layout of a packed identity, low bits first: article id (24 bits, < 10**7) and its digit count
# (4 bits); section or writer id (24 bits) and its digit count (3 bits); writer flag (1 bit);
# family index (7 bits). 63 bits in all: consecutive ids of a section are consecutive integers,
# which is what the bitmap compresses best.
_ID_BITS, _ID_LEN_BITS = 24, 4
_SECTION_BITS, _SECTION_LEN_BITS = 24, 3
_FAMILY_BITS = 7
_MAX_DIGITS = 7  # 10**7 - 1 < 2**24
_SECTION_SHIFT = _ID_BITS + _ID_LEN_BITS
_WRITER_SHIFT = _SECTION_SHIFT + _SECTION_BITS + _SECTION_LEN_BITS
_FAMILY_SHIFT = _WRITER_SHIFT + 1
MAX_FAMILIES = 1 << _FAMILY_BITS
WRITER_PREFIX = "w-"


def _digits(text: str) -> int | None:
    """The value of a digit string short enough for the layout, else None."""
    if 0 < len(text) <= _MAX_DIGITS and text.isascii() and text.isdigit():
        return int(text)
    return None


def pack(family: int, section: str, article_id: str) -> int | None:
    """The exact integer of ``(family index, section or writer id, article id)``, or None when a part
    does not fit (non-digit ids, more than 7 digits, family index out of range)."""
    if not 0 <= family < MAX_FAMILIES:
        return None
    writer = section.startswith(WRITER_PREFIX)
    if writer:
        section = section[len(WRITER_PREFIX):]
    section_value, id_value = _digits(section), _digits(article_id)
    if section_value is None or id_value is None:
        return None
    return (family << _FAMILY_SHIFT | int(writer) << _WRITER_SHIFT
            | len(section) << (_SECTION_SHIFT + _SECTION_BITS) | section_value << _SECTION_SHIFT
            | len(article_id) << _ID_BITS | id_value)


def unpack(packed: int, families: list[str]) -> str:
    """The identity string of a packed integer (``families``: index → family key)."""
    id_len = packed >> _ID_BITS & ((1 << _ID_LEN_BITS) - 1)
    id_value = packed & ((1 << _ID_BITS) - 1)
    section_len = packed >> (_SECTION_SHIFT + _SECTION_BITS) & ((1 << _SECTION_LEN_BITS) - 1)
    section_value = packed >> _SECTION_SHIFT & ((1 << _SECTION_BITS) - 1)
    writer = WRITER_PREFIX if packed >> _WRITER_SHIFT & 1 else ""
    family = families[packed >> _FAMILY_SHIFT]
    return f"{family}:{writer}{section_value:0{section_len}d}/{id_value:0{id_len}d}"


def split_identity(identity: str) -> tuple[str, str, str] | None:
    """``(family, section, article id)`` of ``family:section/id``, None for another shape."""
    family, colon, rest = identity.partition(":")
    section, slash, article_id = rest.rpartition("/")
    if not colon or not slash or not section or "/" in section:
        return None
    return family, section, article_id


class IdentitySet:
    """A set of article identities (strings) in a compressed bitmap of exact packed integers."""

    __slots__ = ("_bits", "_families", "_family_names", "_others")

    def __init__(self, identities: Iterable[str] = ()) -> None:
        self._bits = BitMap64()
        self._families: dict[str, int] = {}
        self._family_names: list[str] = []
        self._others: set[str] = set()  # identities the layout cannot hold (rare)
        for identity in identities:
            self.add(identity)

    def _packed(self, identity: str, create: bool) -> int | None:
        parts = split_identity(identity)
        if parts is None:
            return None
        family, section, article_id = parts
        index = self._families.get(family)
        if index is None:
            if not create or len(self._family_names) >= MAX_FAMILIES:
                return None
            index = self._families[family] = len(self._family_names)
            self._family_names.append(family)
        return pack(index, section, article_id)

    def add(self, identity: str) -> bool:
        """Add ``identity``; True when it was not in the set yet."""
        packed = self._packed(identity, create=True)
        if packed is None:
            if identity in self._others:
                return False
            self._others.add(identity)
            return True
        if packed in self._bits:
            return False
        self._bits.add(packed)
        return True

    def discard(self, identity: str) -> None:
        packed = self._packed(identity, create=False)
        if packed is None:
            self._others.discard(identity)
        else:
            self._bits.discard(packed)

    def __contains__(self, identity: object) -> bool:
        if not isinstance(identity, str):
            return False
        packed = self._packed(identity, create=False)
        if packed is None:
            return identity in self._others
        return packed in self._bits

    def __len__(self) -> int:
        return len(self._bits) + len(self._others)

    def __iter__(self) -> Iterator[str]:
        for packed in self._bits:
            yield unpack(packed, self._family_names)
        yield from self._others
