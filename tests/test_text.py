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
