"""Content signatures on their own: Arabic normalization, exact hash, MinHash, near-copy decision."""

from __future__ import annotations

import random
import zlib

import pytest

from newscrawl.replica import Catalogue
from newscrawl.replica.corpus import BOILERPLATES
from newscrawl.signature import (
    _BAND_FACTOR,
    _POSITION_FACTORS,
    _ROW_FACTORS,
    BANDS,
    NUM_PERM,
    ROWS,
    SHINGLE_WORDS,
    _normalize_bmp,
    _normalize_general,
    bands,
    exact_hash,
    jaccard,
    minhash,
    near_copy,
    normalize_arabic,
    shingles,
    signature,
    story_text,
)


@pytest.mark.parametrize(("variant", "plain"), [
    ("مُحَادَثَاتٌ أَمِيرْكِيَّة", "محادثات اميركيه"),  # harakat, shadda, sukun; taa marbuta
    ("العـــــرب اليـوم", "العرب اليوم"),  # tatweel
    ("أعلن إعلان آخر ٱلقرار", "اعلن اعلان اخر القرار"),  # alef with hamza above/below, madda, wasla
    ("مستشفى على المبنى", "مستشفي علي المبني"),  # alef maksura
    ("کتاب یوم", "كتاب يوم"),  # Farsi kaf and yeh
    ("«قال»: نعم، لا؛ لماذا؟ (ربما) - ـ!", "قال نعم لا لماذا ربما"),  # punctuation, quotes, dashes
    ("  سطر\u00a0أول\n\nسطر\tثان  ", "سطر اول سطر ثان"),  # every kind of whitespace
    ("\u200fكلمة\u200e \u200cأخرى\ufeff", "كلمه اخري"),  # bidi marks, ZWNJ, BOM
    ("\ufefb\ufee3\ufe8e", "لاما"),  # presentation forms (NFKC)
    ("عام ٢٠٢٥ و۱۹ Reuters", "عام 2025 و19 reuters"),  # Arabic-Indic digits, Latin case
])
def test_normalization_makes_spelling_variants_equal(variant: str, plain: str) -> None:
    assert normalize_arabic(variant) == plain


def test_normalization_of_nothing() -> None:
    assert normalize_arabic(None) == normalize_arabic("") == normalize_arabic(" ، ") == ""
    assert story_text(None, None) == ""
    assert story_text("العنوان", None) == "العنوان"


def test_exact_hash_ignores_spelling_and_layout_not_words() -> None:
    title, body = "محادثاتٌ أميركية", "أعلنت مصادر،  أنّ الرئيسَ التقى نظيره.\n\nوأضافت أن اللقاء مثمر."
    same = signature("محادثات أمـيركيه", "اعلنت مصادر ان الرئيس التقى نظيره\n\nواضافت ان اللقاء مثمر")
    assert signature(title, body).exact == same.exact
    assert signature(title, body.replace("التقى", "استقبل")).exact != same.exact
    assert signature(title + " جديدة", body).exact != same.exact  # the title counts
    assert len(exact_hash("")) == 32


def test_shingles_are_word_windows() -> None:
    text = normalize_arabic("واحد اثنان ثلاثة أربعة خمسة ستة سبعة")
    assert len(shingles(text)) == 3  # 7 words, windows of 5
    assert len(shingles("واحد اثنان")) == 1  # a short text is one shingle
    assert len(shingles("")) == 0
    assert len(shingles("ا ب ج د ه ا ب ج د ه")) == 5  # repeated windows count once
    swapped = normalize_arabic("اثنان واحد ثلاثة أربعة خمسة ستة سبعة")
    assert set(shingles(text).tolist()) != set(shingles(swapped).tolist())  # order matters


def test_sketch_estimates_jaccard() -> None:
    words = [f"كلمة{k}" for k in range(400)]
    a = signature(None, " ".join(words))
    b = signature(None, " ".join(words[:300]))  # 296 of 396 shingles shared: J ≈ 0.75
    assert len(a.sketch) == 4 * NUM_PERM and len(a.bands) == BANDS
    assert abs(jaccard(a.sketch, b.sketch) - 296 / 396) < 0.12
    assert jaccard(a.sketch, a.sketch) == 1.0
    assert jaccard(a.sketch, signature(None, "نص آخر مختلف تماما عن الأول").sketch) < 0.1
    assert a.bands == signature(None, " ".join(words)).bands  # deterministic across calls


def _texts(count: int) -> list[tuple[str, list[str]]]:
    cat = Catalogue(articles=count, seed=7)
    return [(cat.article(i).head.title, list(cat.article(i).body)) for i in range(count)]


def test_copies_with_small_edits_are_near_copies() -> None:
    texts = _texts(60)
    rng = random.Random(3)
    for k, (title, body) in enumerate(texts):
        original = signature(title, "\n\n".join(body))
        other_title, other_body = texts[(k + 1) % len(texts)]
        retitled = signature(other_title, "\n\n".join(body))
        extended = body[:]
        extended.insert(rng.randint(1, len(body)), rng.choice(other_body))
        added = signature(title, "\n\n".join(extended))
        assert near_copy(original, retitled) > 0, k
        assert near_copy(original, added) > 0, k
        assert near_copy(original, signature(title, "\n\n".join(body))) == 1.0


def test_different_stories_sharing_a_boilerplate_paragraph_are_not_copies() -> None:
    """The replica's texts are built from templates, so different stories already share phrases;
    a standard paragraph on top must still not make them one story."""
    texts = _texts(80)
    signatures = [signature(t, "\n\n".join([*b, BOILERPLATES[0]])) for t, b in texts]
    for k, a in enumerate(signatures):
        for b in signatures[k + 1:]:
            assert near_copy(a, b) == 0.0


def test_a_short_text_is_not_matched_on_its_containment_alone() -> None:
    long = signature("عنوان", " ".join(f"كلمة{k}" for k in range(600)))
    short = signature("عنوان", " ".join(f"كلمة{k}" for k in range(30)))  # wholly inside, 26 shingles
    assert near_copy(long, short) == 0.0


def test_minhash_is_datasketch_affine32_bit_for_bit() -> None:
    """The sketch is datasketch's MinHash (scheme affine32, same seed and permutations), computed in
    one numpy pass: the library is the reference, not a run-time dependency (its import pulls SciPy)."""
    import datasketch  # the test extra's

    texts = [story_text(title, "\n\n".join(body)) for title, body in _texts(20)]
    for text in [*texts, *(normalize_arabic(t) for t, _ in _texts(5)), "", "كلمة"]:
        hashes = shingles(text)
        reference = datasketch.MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32", hashfunc=int)
        reference.update_batch(hashes.tolist())
        assert minhash(hashes) == reference.hashvalues.astype("<u4").tobytes(), text[:40]


def _general(text: str) -> str:
    """normalize_arabic by the step-by-step string path (the reference of the vectorized one)."""
    import unicodedata

    return _normalize_general(unicodedata.normalize("NFKC", text))


def test_the_vectorized_normalization_is_the_general_one_for_every_bmp_code_point() -> None:
    """The lookup tables of the vectorized path, checked code point by code point: each alone, in a
    word, beside a separator and doubled (removal, variants, digits, casefold, separators)."""
    for code in range(0x10000):
        char = chr(code)
        for text in (char, f"ab{char}cd {char}", f"{char}{char} س{char}"):
            assert _normalize_bmp(text) == _normalize_general(text), hex(code)


def test_the_vectorized_normalization_is_the_general_one_on_mixed_texts() -> None:
    """Random texts mixing what a page holds: Arabic letters and their variants, marks, tatweel,
    format characters, digits of three scripts, Latin of both cases (ß, İ: casefold lengthens them),
    punctuation and whitespace of every kind, lone surrogates, and characters beyond the BMP (which
    take the general path)."""
    rng = random.Random(5)
    pool = ("كتب مدرسة" "أإآٱىیةک" "\u064b\u0651\u0652\u0670\u0640" "\u200c\u200f\u202b\ufeff\u00ad"
            "٠١٩۰۵0189" "aZßİΣçÅ" " \n\t\u00a0\u2003،؛؟.«»_-'\"" "\ud800\udfff" "ﻻﷲ" "😀𝐀𐐀")
    for _ in range(30000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 40)))
        assert normalize_arabic(text) == _general(text), repr(text)
    for title, body in _texts(200):
        for text in (title, *body):
            assert normalize_arabic(text) == _general(text)


def test_a_text_beyond_the_bmp_takes_the_general_path() -> None:
    assert _normalize_bmp("كلمة 😀 أخرى") is None
    assert normalize_arabic("كلمة 😀 أخرى") == "كلمه اخري"
    assert _normalize_bmp("ẞ") == "ss"  # casefold makes two characters of one


def test_shingles_are_numpy_unique_of_the_windows() -> None:
    """The sort-based distinct values of shingles() are numpy.unique's."""
    import numpy

    rng = random.Random(9)
    for size in (1, 2, 5, 7, 40, 400):
        words = [f"كلمة{rng.randint(0, size // 2 + 1)}" for _ in range(size)]
        text = " ".join(words)
        found = shingles(text)
        hashes = numpy.fromiter((zlib.crc32(w.encode()) for w in words), dtype=numpy.uint32)
        width = min(SHINGLE_WORDS, len(words))
        windows = numpy.zeros(len(words) - width + 1, dtype=numpy.uint32)
        for k in range(width):
            factor = numpy.uint32(_POSITION_FACTORS[k])
            windows = windows * numpy.uint32(31) + hashes[k : k + len(windows)] * factor
        assert found.tolist() == numpy.unique(windows).tolist()


def test_band_keys_are_the_documented_hash_of_each_band() -> None:
    """bands() against the arithmetic it documents, on Python integers: the band's rows times their
    factors plus the band's number times its factor, modulo 2⁶⁴, then SplitMix64's finalizer, halved."""
    mask = (1 << 64) - 1
    rng = random.Random(2)
    for _ in range(200):
        sketch = bytes(rng.getrandbits(8) for _ in range(4 * NUM_PERM))
        values = [int.from_bytes(sketch[4 * i : 4 * i + 4], "little") for i in range(NUM_PERM)]
        expected = []
        for band in range(BANDS):
            rows = values[band * ROWS : (band + 1) * ROWS]
            key = sum(v * f for v, f in zip(rows, _ROW_FACTORS, strict=False))
            key = (key + band * _BAND_FACTOR) & mask
            key = ((key ^ (key >> 30)) * 0xBF58476D1CE4E5B9) & mask
            key = ((key ^ (key >> 27)) * 0x94D049BB133111EB) & mask
            expected.append((key ^ (key >> 31)) >> 1)
        assert bands(sketch) == expected
