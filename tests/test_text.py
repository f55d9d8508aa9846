"""newscrawl.text: whitespace, datelines, bylines — pure functions, no Scrapy."""

import pytest

from newscrawl.text import (
    has_controls,
    normalize_space,
    parse_byline,
    parse_dateline,
    strip_controls,
    strip_label,
)


def test_normalize_space_keeps_publisher_characters():
    raw = "\u200fمحادثات  أميركية ـــ روسية\u00a0لتنسيق\n تحركات\u200e "
    assert normalize_space(raw) == "محادثات أميركية ـــ روسية لتنسيق تحركات"


def test_normalize_space_keeps_diacritics_and_tatweel():
    text = "المسؤولَين كلٌّ على حِدة أيضــــــــًا"
    assert normalize_space(text) == text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("موسكو ـ ريتا مهنا", ("موسكو", "ريتا مهنا")),
        ("القاهرة ـ العرب اليوم", ("القاهرة", "العرب اليوم")),
        ("الرباط -المغرب اليوم", ("الرباط", "المغرب اليوم")),
        ("دمشق - نور خوام", ("دمشق", "نور خوام")),
        ("بيروت _ فادي سماحة", ("بيروت", "فادي سماحة")),
        ("أبوظبي - وام", ("أبوظبي", "وام")),
        ("الدار البيضاء ـ سعيد بونوار", ("الدار البيضاء", "سعيد بونوار")),
    ],
)
def test_parse_dateline(line, expected):
    assert parse_dateline(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "",
        "أعلنت مصادر روسية وأميركية، أن رئيس الأركان الروسي فاليري غيراسيموف، أجرى في العاصمة محادثات",
        "محادثات أميركية ـــ روسية لتنسيق تحركات قوات التحالف الدولي",
        "GMT 10:18 2025 الثلاثاء ,22 إبريل / نيسان",
        "بقلم : سمير عطا الله",
    ],
)
def test_parse_dateline_rejects_non_datelines(line):
    assert parse_dateline(line) is None


@pytest.mark.parametrize(
    "line",
    ["بقلم : سمير عطا الله", "بقلم - سمير عطا الله", "بقلم: سمير عطا الله", "بقلم:سمير عطا الله",
     "بقلم سمير عطا الله"],
)
def test_parse_byline_forms(line):
    assert parse_byline(line) == "سمير عطا الله"


def test_parse_byline_rejects_body_text():
    assert parse_byline("أعلنت مصادر روسية وأميركية") is None


def test_strip_label():
    assert strip_label(" العرب اليوم - محادثات أميركية", "العرب اليوم") == "محادثات أميركية"
    assert strip_label("محادثات أميركية", "العرب اليوم") == "محادثات أميركية"


def test_normalize_space_removes_control_characters_and_terminal_escapes():
    raw = "\x1b[31mعنوان\x1b[0m\x00 أحمر\x07\x7f\x85جديد\x9b2J\ufffd"
    assert normalize_space(raw) == "عنوان أحمر جديد"
    assert normalize_space("\x00\x1b") == ""


@pytest.mark.parametrize(
    ("raw", "multiline", "expected"),
    [
        ("نص\x1bعادي", False, "نصعادي"),
        ("سطر\nثان\tو\rثالث\x0b\x0c\x1c\x85", False, "سطر ثان و ثالث    "),
        ("فقرة أولى\n\nفقرة\x00 ثانية\t", True, "فقرة أولى\n\nفقرة ثانية "),
        ("\x1b[1;31mعاجل\x1b[0m", True, "عاجل"),
        ("\x9b31mعاجل", False, "عاجل"),
        ("\x80\x84\x86\x9f\ufffdنص", False, "نص"),
    ],
)
def test_strip_controls(raw, multiline, expected):
    assert strip_controls(raw, multiline) == expected


def test_strip_controls_returns_clean_text_itself():
    text = "نص نظيف مع مسافتين  وعلامة ـــ"
    assert strip_controls(text) is text
    assert strip_controls("سطر\nثان", multiline=True) == "سطر\nثان"
    assert not has_controls(text) and not has_controls("سطر\nثان\t")


def test_strip_controls_is_single_line_by_default():
    assert strip_controls("سطر\nثان") == "سطر ثان"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("دمشق - نور خوام -", ("دمشق", "نور خوام")),  # trailing dashes are no part of the author
        ("دمشق - ــ", None),  # nothing but dashes after the separator: no author
        ("الدار البيضاء الكبرى الجديدة - وكالة الأنباء العربية السورية",  # four words each: the most
         ("الدار البيضاء الكبرى الجديدة", "وكالة الأنباء العربية السورية")),
        ("مدينة الدار البيضاء الكبرى الجديدة - وكالة", None),  # a five-word city is a sentence
        ("الرباط - وكالة المغرب العربي للأنباء الرسمية", None),  # a five-word author too
    ],
)
def test_parse_dateline_bounds(line, expected):
    assert parse_dateline(line) == expected


def test_a_dateline_is_at_most_80_characters():
    city = "ا" * 13 + " " + "ب" * 14
    author = " ".join(["ج" * 11] * 3) + " "
    assert parse_dateline(f"{city} - {author}{'د' * 13}") == (city, author + "د" * 13)  # 80
    assert parse_dateline(f"{city} - {author}{'د' * 14}") is None  # 81


def test_parse_byline_bounds():
    assert parse_byline("بقلم : سمير عطا الله -") == "سمير عطا الله"
    assert parse_byline("بقلم : واحد اثنان ثلاثة أربعة خمسة ستة") == "واحد اثنان ثلاثة أربعة خمسة ستة"
    assert parse_byline("بقلم : واحد اثنان ثلاثة أربعة خمسة ستة سبعة") is None
    assert parse_byline("بقلم : ــ") is None


def test_strip_label_needs_the_label_and_its_dash():
    assert strip_label("العرب اليوم -محادثات", "العرب اليوم") == "محادثات"
    assert strip_label("- محادثات", "") == "- محادثات"  # no label: nothing to strip
    assert strip_label("العرب اليوم محادثات", "العرب اليوم") == "العرب اليوم محادثات"


def test_normalize_space_of_nothing_is_empty():
    assert normalize_space("") == "" and normalize_space(None) == ""


def test_quick_clean_check_never_skips_dirty_text() -> None:
    """The isprintable shortcut of normalize_space/strip_controls: over every code point, a text it
    calls clean is one the full regex path leaves as it is."""
    from newscrawl import text

    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        sample = f"a{chr(code)}b"
        if text._surely_clean(sample):
            assert text._DIRTY.search(sample) is None, hex(code)
            assert text._STRIP[False].search(sample) is None, hex(code)
    assert not text._surely_clean("a  b") and not text._surely_clean("a\ufffdb")
    assert normalize_space("a\u00a0 b\u200f") == "a b" and strip_controls("a\x1bb\nc", True) == "ab\nc"


def _normalize_space_by_regex(value: str) -> str:
    """normalize_space as the regexes define it: controls and bidi marks removed, every whitespace
    run (two or more, or any whitespace but the plain space) made one space, then stripped."""
    from newscrawl import text

    return text._SPACES.sub(" ", text._BIDI.sub("", text._CONTROLS.sub("", value))).strip()


def test_normalize_space_by_split_is_the_regex_path_for_every_code_point() -> None:
    """Its whitespace collapsing by str.split(): over every code point, alone, between words, doubled
    and beside controls, bidi marks and spaces."""
    for code in range(0x110000):
        char = chr(code)
        for sample in (char, f"a{char}b", f" {char}{char} b", f"a\u200f{char} \x1b[31mb\x00 {char}"):
            assert normalize_space(sample) == _normalize_space_by_regex(sample), hex(code)


def test_normalize_space_by_split_is_the_regex_path_on_mixed_texts() -> None:
    import random

    rng = random.Random(4)
    pool = "نص ab" " \t\n\r\x0b\x0c\x1c\x1f\x85\u00a0\u2003\u3000" "\u200e\u200f\u061c\u202b\u2066\ufeff" \
           "\x00\x07\x1b[31m\x7f\x9b\ufffd"
    for _ in range(30000):
        sample = "".join(rng.choice(pool) for _ in range(rng.randint(0, 30)))
        assert normalize_space(sample) == _normalize_space_by_regex(sample), repr(sample)
