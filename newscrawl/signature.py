"""Content signatures of articles: the same story recognised whatever site republished it.

Pure functions, no Scrapy import. A story's text is its title and body (never the brand label,
related lists, comment form or footer, which differ between the copies of one story), normalized so
that spelling variants of the same words compare equal:

* Unicode NFKC (Arabic presentation forms such as ``ﻻ`` become plain letters);
* invisible format characters (bidi marks, ZWNJ/ZWJ, BOM) removed;
* diacritics (harakat, shadda, sukun, superscript alef, Quranic marks) and tatweel removed;
* alef variants ``أ إ آ ٱ`` → ``ا``, alef maksura ``ى`` and Farsi ``ی`` → ``ي``, taa marbuta ``ة`` → ``ه``,
  Farsi kaf ``ک`` → ``ك``, Arabic-Indic digits → ASCII digits, Latin letters case-folded;
* every other character that is neither a letter nor a digit (punctuation, quotes, symbols) is a
  space, and runs of spaces collapse to one.

Two signatures come from that text:

* :func:`exact_hash` — a hash of the whole normalized text: identical copies have the same one.
* :func:`minhash` — a MinHash (datasketch's affine32 scheme, 128 permutations) of the text's word
  shingles, for copies with small edits (another title, an added paragraph). :func:`bands` cuts it
  into LSH bands, the keys under which a story index finds candidate copies, and
  :func:`near_copy` decides whether a candidate is the same story from the two signatures alone
  (the state keeps signatures, never texts).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

# --- normalization ---------------------------------------------------------------------------------
#: Harakat, shadda, sukun, maddah/hamza marks, superscript alef, Quranic annotation marks, tatweel.
_MARK_CHARS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640"
#: Letter variants written the same way (str.replace per pair: far cheaper than str.translate).
_VARIANTS: tuple[tuple[str, str], ...] = (
    ("\u0623", "\u0627"), ("\u0625", "\u0627"), ("\u0622", "\u0627"), ("\u0671", "\u0627"),  # أ إ آ ٱ → ا
    ("\u0672", "\u0627"), ("\u0673", "\u0627"),
    ("\u0649", "\u064a"), ("\u06cc", "\u064a"),  # ى ی → ي
    ("\u0629", "\u0647"),  # ة → ه
    ("\u06a9", "\u0643"),  # ک → ك
)
_DIGITS = str.maketrans({**{chr(0x0660 + d): str(d) for d in range(10)},  # ٠-٩
                         **{chr(0x06F0 + d): str(d) for d in range(10)}})  # ۰-۹
_HAS_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
#: Invisible format characters: soft hyphen, ALM, zero-width space/ZWNJ/ZWJ, LRM/RLM, bidi embeddings
#: and isolates, word joiner and invisible operators, BOM.
_FORMAT_CHARS = "\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
#: What is removed before words are cut (marks and format characters are not word characters, and
#: must not split a word): one regex pass for both.
_DROPPED = re.compile(f"[{_MARK_CHARS}{_FORMAT_CHARS}]")
#: What separates words: anything but letters and digits of any script (punctuation, quotes, symbols).
_NON_WORD = re.compile(r"[\W_]+")


def normalize_arabic(text: str | None) -> str:
    """The comparable form of ``text`` (see the module docstring): words separated by one space."""
    if not text:
        return ""
    if not unicodedata.is_normalized("NFKC", text):  # a quick check: most pages are normalized already
        text = unicodedata.normalize("NFKC", text)
    found = _normalize_bmp(text)
    return _normalize_general(text) if found is None else found


def _normalize_general(text: str) -> str:
    """:func:`normalize_arabic` of an NFKC text, step by step on the string: the reference that
    :func:`_normalize_bmp` is tested against, and the path of texts beyond the BMP."""
    if not text.isascii():
        text = _DROPPED.sub("", text)
        for variant, letter in _VARIANTS:
            if variant in text:
                text = text.replace(variant, letter)
        if _HAS_DIGITS.search(text):
            text = text.translate(_DIGITS)
    # each run of separators becomes one space: the words (runs of [^\W_]) joined by single spaces
    return _NON_WORD.sub(" ", text.casefold()).strip(" ")


#: Flags of a code point in :func:`_char_tables`.
_DROP, _FOLDS, _SEPARATES = 1, 2, 4
_BMP = 0x10000


@lru_cache(maxsize=1)
def _char_tables() -> tuple[Any, Any]:
    r"""What :func:`_normalize_general`'s steps do to each BMP code point, as two lookup tables: the
    code point it becomes (letter variants, digits) and its flags — removed (a mark or format
    character), changed by ``casefold``, a separator (not ``[^\W_]``). Each flag is decided by the
    very regex or method the general path uses, so the tables agree with it by construction
    (``tests/test_signature.py`` compares the two paths anyway). Built once a process."""
    import numpy

    mapped = numpy.arange(_BMP, dtype=numpy.uint32)
    for variant, letter in _VARIANTS:
        mapped[ord(variant)] = ord(letter)
    for code, digit in _DIGITS.items():
        mapped[code] = ord(digit)
    every = "".join(map(chr, range(_BMP)))  # every BMP code point, at its own index
    flags = numpy.zeros(_BMP, dtype=numpy.uint8)
    for pattern, flag in ((_DROPPED, _DROP), (_NON_WORD, _SEPARATES)):
        for match in pattern.finditer(every):
            flags[match.start() : match.end()] |= flag
    flags[[char.casefold() != char for char in every]] |= _FOLDS
    return mapped, flags


def _codes(text: str) -> Any:
    import numpy

    return numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _normalize_bmp(text: str) -> str | None:
    """:func:`_normalize_general` in a few vectorized passes over the code points (the regex scans
    of the general path cost ~0.5 µs a character); None when the text holds a code point beyond
    the BMP, which the tables do not cover."""
    import numpy

    mapped, flags = _char_tables()
    codes = _codes(text)
    if codes.max() >= _BMP:
        return None
    codes = mapped[codes]  # letter variants and digits (no variant or digit is dropped or maps to one)
    found = flags[codes]
    if (found & _DROP).any():
        kept = (found & _DROP) == 0
        codes, found = codes[kept], found[kept]
    if (found & _FOLDS).any():  # casefold after the other steps, as the general path does
        codes = _codes(codes.tobytes().decode("utf-32-le", "surrogatepass").casefold())
        if codes.max(initial=0) >= _BMP:
            return None
        found = flags[codes]
    if not len(codes):
        return ""
    separator = (found & _SEPARATES) != 0
    after_separator = numpy.empty_like(separator)  # the text's start counts as a separator
    after_separator[0] = True
    after_separator[1:] = separator[:-1]
    words = numpy.where(separator, numpy.uint32(32), codes)[~(separator & after_separator)]
    if len(words) and words[-1] == 32:
        words = words[:-1]
    return words.astype("<u4", copy=False).tobytes().decode("utf-32-le", "surrogatepass")


def story_text(title: str | None, body: str | None) -> str:
    """The normalized text a story is recognised by: its title, then its body."""
    return " ".join(part for part in (normalize_arabic(title), normalize_arabic(body)) if part)


# --- signatures -----------------------------------------------------------------------------------
SHINGLE_WORDS = 5  # words per shingle
NUM_PERM = 128  # MinHash permutations: 512 bytes a sketch
MINHASH_SEED = 1  # fixed: sketches stored by one run are compared with the next run's
#: LSH bands × rows (b·r ≤ NUM_PERM). A pair of Jaccard similarity s shares a band with probability
#: 1 − (1 − s³)^42: 0.996 at s = 0.5, 0.9999 at s = 0.6, 0.29 at s = 0.2; candidates are then checked.
BANDS, ROWS = 42, 3
#: A candidate is the same story when the estimated Jaccard similarity of the two texts' shingles
#: reaches JACCARD_MIN, or when the shorter text lies almost wholly inside the longer one (estimated
#: containment ≥ CONTAINMENT_MIN: a long added passage) and they share at least MIN_SHARED shingles,
#: so that a short text is never matched on a few common phrases.
JACCARD_MIN = 0.5
CONTAINMENT_MIN = 0.9
MIN_SHARED = 50


#: Odd multipliers of the words' positions in a shingle (any distinct odd 32-bit constants).
_POSITION_FACTORS = (0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1, 0xD3A2646D, 0xFD7046C5)


def shingles(text: str, size: int = SHINGLE_WORDS) -> Any:
    """The distinct ``size``-word shingles of a normalized text, each as a 32-bit hash (a numpy
    uint32 array, sorted): each word is hashed once (CRC-32 of its UTF-8), and a shingle's hash
    combines its words' hashes by position, in vectorized arithmetic modulo 2³². A text shorter
    than ``size`` words is one shingle."""
    import numpy

    # a normalized text's words are separated by spaces: its UTF-8 split there is the words' UTF-8
    words = text.encode("utf-8").split()
    hashes = numpy.fromiter(map(zlib.crc32, words), dtype=numpy.uint32, count=len(words))
    if not len(hashes):
        return numpy.zeros(0, dtype=numpy.uint32)
    size = min(size, len(hashes))
    count = len(hashes) - size + 1
    combined = numpy.zeros(count, dtype=numpy.uint32)
    for k in range(size):
        combined = combined * numpy.uint32(31) + hashes[k : k + count] * numpy.uint32(_POSITION_FACTORS[k])
    combined.sort()  # the distinct values, sorted (numpy.unique hashes them first: ~10x the cost here)
    distinct = numpy.empty(count, dtype=bool)
    distinct[0] = True
    numpy.not_equal(combined[1:], combined[:-1], out=distinct[1:])
    return combined[distinct]


def exact_hash(text: str) -> str:
    """32 hex digits identifying a normalized text exactly."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


@lru_cache(maxsize=1)
def _permutations() -> tuple[Any, Any]:
    """The NUM_PERM affine permutations ``h → a·h + b mod 2³²`` (``a`` odd: a bijection), drawn as
    datasketch 2's ``MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme="affine32")`` draws them."""
    import numpy

    generator = numpy.random.RandomState(MINHASH_SEED)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=numpy.uint32) * numpy.uint32(2) + numpy.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=numpy.uint32)
    return a, b


def minhash(shingle_hashes: Any) -> bytes:
    """The MinHash of a text's shingle hashes, as NUM_PERM little-endian uint32 values.

    datasketch 2's affine32 scheme, bit for bit (``tests/test_signature.py`` compares the two): each
    hash is mixed with MurmurHash3's 32-bit finalizer, then every permutation keeps its minimum.
    Computed here in one vectorized pass rather than through datasketch, whose import pulls in
    SciPy (see BENCHMARKS.md#stories).
    """
    import numpy

    a, b = _permutations()
    if not len(shingle_hashes):
        return numpy.full(NUM_PERM, 0xFFFFFFFF, dtype="<u4").tobytes()
    h = numpy.array(shingle_hashes, dtype=numpy.uint32)  # a copy: mixed in place below
    h ^= h >> numpy.uint32(16)
    h *= numpy.uint32(0x85EBCA6B)
    h ^= h >> numpy.uint32(13)
    h *= numpy.uint32(0xC2B2AE35)
    h ^= h >> numpy.uint32(16)
    values = numpy.multiply.outer(h, a)  # one (shingles × permutations) array, added to in place
    values += b
    return values.min(axis=0).astype("<u4").tobytes()


@dataclass(frozen=True)
class Signature:
    """What a story index keeps of one article's text."""

    exact: str  # exact_hash of the normalized text
    sketch: bytes  # minhash of its shingles
    size: int  # number of distinct shingles

    @cached_property
    def bands(self) -> list[int]:
        return bands(self.sketch)


def signature(title: str | None, body: str | None) -> Signature:
    """The signature of an article from its title and body."""
    text = story_text(title, body)
    found = shingles(text)
    return Signature(exact_hash(text), minhash(found), len(found))


#: Multipliers of a band's rows and of its number in the band key (odd 64-bit constants).
_ROW_FACTORS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5)
_BAND_FACTOR = 0xD6E8FEB86659FD93


def bands(sketch: bytes) -> list[int]:
    """The LSH band keys of a sketch (see BANDS, ROWS): one 63-bit integer per band, a hash of the
    band's rows and number (vectorized: a linear combination modulo 2⁶⁴, then SplitMix64's finalizer).
    Integers keep the SQLite index small."""
    import numpy

    factors, offsets, shifts, multipliers = _band_constants()
    rows = numpy.frombuffer(sketch, "<u4")[: BANDS * ROWS].astype(numpy.uint64).reshape(BANDS, ROWS)
    keys = (rows * factors).sum(axis=1, dtype=numpy.uint64)
    keys += offsets
    keys ^= keys >> shifts[0]
    keys *= multipliers[0]
    keys ^= keys >> shifts[1]
    keys *= multipliers[1]
    keys ^= keys >> shifts[2]
    keys >>= shifts[3]
    return keys.tolist()


@lru_cache(maxsize=1)
def _band_constants() -> tuple[Any, Any, tuple[Any, ...], tuple[Any, ...]]:
    """The constants of :func:`bands` as numpy values, made once (not on every call)."""
    import numpy

    factors = numpy.array(_ROW_FACTORS[:ROWS], dtype=numpy.uint64)
    offsets = numpy.arange(BANDS, dtype=numpy.uint64) * numpy.uint64(_BAND_FACTOR)
    shifts = tuple(numpy.uint64(n) for n in (30, 27, 31, 1))
    multipliers = (numpy.uint64(0xBF58476D1CE4E5B9), numpy.uint64(0x94D049BB133111EB))
    return factors, offsets, shifts, multipliers


def jaccard(a: bytes, b: bytes) -> float:
    """The Jaccard similarity of two shingle sets estimated from their sketches (share of equal values)."""
    if len(a) != len(b) or not a:
        return 0.0
    return similarities(a, [b])[0]


def similarities(sketch: bytes, others: list[bytes]) -> list[float]:
    """:func:`jaccard` of ``sketch`` with each of ``others``, in one vectorized comparison."""
    import numpy

    if not others:
        return []
    mine = numpy.frombuffer(sketch, "<u4")
    theirs = numpy.frombuffer(b"".join(others), "<u4").reshape(len(others), -1)
    return ((theirs == mine).sum(axis=1) / len(mine)).tolist()


def near_copy(a: Signature, b: Signature, j: float | None = None) -> float:
    """How surely two signatures are one story with small edits: 0 when they are not, else the
    estimated Jaccard similarity (1.0 for identical texts); see JACCARD_MIN, CONTAINMENT_MIN. ``j``:
    their estimated Jaccard similarity when already computed (:func:`similarities`).

    From the estimated Jaccard similarity J and the set sizes, the shared shingles are
    J·(|A| + |B|)/(1 + J), and the containment of the smaller set is that over min(|A|, |B|).
    """
    if a.exact == b.exact:
        return 1.0
    if j is None:
        j = jaccard(a.sketch, b.sketch)
    if j >= JACCARD_MIN:
        return j
    shared = j * (a.size + b.size) / (1 + j)
    smaller = min(a.size, b.size)
    if smaller > 0 and shared >= MIN_SHARED and shared / smaller >= CONTAINMENT_MIN:
        return j
    return 0.0
