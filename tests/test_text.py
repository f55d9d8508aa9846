"""newscrawl.text: whitespace, datelines, bylines — pure functions, no Scrapy."""

import pytest

from newscrawl.text import normalize_space, parse_byline, parse_dateline, strip_label


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
