"""The words of dates, as data: each table maps a spelling to what it means.

Spellings are written as a reader would type them; :mod:`~newscrawl.dates.vocabulary` holds their
normalized form (:func:`~newscrawl.dates.normalize.key`) with the token kind the grammar reads (see
``tokens.py``).
A new spelling is one more entry here.
"""

from __future__ import annotations

from typing import Any

from newscrawl.dates.normalize import key

# Gregorian months, per regional system: month number -> spellings.
GREGORIAN_MONTHS: dict[str, dict[int, str]] = {
    "levantine": {  # Levant and Iraq
        1: "كانون الثاني|كانون ثاني|كانون الثان|كانون ثان", 2: "شباط", 3: "آذار|اذار", 4: "نيسان",
        5: "أيار|ايار", 6: "حزيران", 7: "تموز", 8: "آب|اب", 9: "أيلول|ايلول",
        10: "تشرين الأول|تشرين أول|تشرين الاول|تشرين اول",
        11: "تشرين الثاني|تشرين ثاني|تشرين الثان|تشرين ثان",
        12: "كانون الأول|كانون أول|كانون الاول|كانون اول",
    },
    "egyptian": {  # Egypt, the Gulf, most of the press
        1: "يناير|ينايِر", 2: "فبراير|فبرایر|فبرير", 3: "مارس", 4: "أبريل|إبريل|ابريل|ابرايل",
        5: "مايو|مايوه", 6: "يونيو|يونيه|يونية|يونيوه", 7: "يوليو|يوليه|يولية|يوليوه",
        8: "أغسطس|اغسطس|أغسطوس|اغسطوس|أغشت", 9: "سبتمبر|سبتمبير",
        10: "أكتوبر|اكتوبر|أكتوبير|أوكتوبر|اوكتوبر", 11: "نوفمبر|نوڤمبر|نوفمبير", 12: "ديسمبر|ديسمبير|دجمبر",
    },
    "maghrebi": {  # Algeria and Tunisia (the other months as in Egypt)
        1: "جانفي|جانفييه|جانفيي", 2: "فيفري|فيفرييه", 4: "أفريل|افريل", 5: "ماي", 6: "جوان",
        7: "جويلية|جويليه|جوييه", 8: "أوت|اوت",
    },
    "moroccan": {7: "يوليوز", 8: "غشت", 9: "شتنبر", 11: "نونبر", 12: "دجنبر"},
    # Abbreviations of the Egyptian names (tables, tickers); none is an everyday word.
    "abbreviated": {
        1: "ينا", 2: "فبر", 4: "أبر|ابر", 6: "يون", 7: "يول", 8: "أغس|اغس", 10: "أكت|اكت", 11: "نوف",
        12: "ديس",
    },
    "english": {
        1: "january|jan", 2: "february|feb", 3: "march|mar", 4: "april|apr", 5: "may", 6: "june|jun",
        7: "july|jul", 8: "august|aug", 9: "september|sep|sept", 10: "october|oct", 11: "november|nov",
        12: "december|dec",
    },
}

HIJRI_MONTHS: dict[int, str] = {
    1: "محرم|المحرم|محرم الحرام",
    2: "صفر|صفر الخير|صفر المظفر",
    3: "ربيع الأول|ربيع أول|ربيع الاول|ربيع اول",
    4: "ربيع الثاني|ربيع ثاني|ربيع الآخر|ربيع آخر|ربيع الاخر|ربيع الثانى",
    5: "جمادى الأولى|جمادى الاولى|جمادى الأول|جمادى الاول|جمادى أولى|جمادي الاولي",
    6: "جمادى الآخرة|جمادى الاخرة|جمادى الثانية|جمادى الثاني|جمادى الآخر|جمادى ثانية",
    7: "رجب|رجب المرجب|رجب الفرد",
    8: "شعبان|شعبان المعظم",
    9: "رمضان|رمضان المبارك|رمضان الكريم",
    10: "شوال|شوال المكرم",
    11: "ذو القعدة|ذي القعدة|ذوالقعدة|ذيالقعدة|ذو القعده",
    12: "ذو الحجة|ذي الحجة|ذوالحجة|ذيالحجة",
}

# Monday = 0, as datetime.weekday(); the first spelling is the one findings report.
WEEKDAYS: dict[int, str] = {
    0: "الاثنين|الإثنين|الأثنين|الاثنان|الإثنان|monday|mon",
    1: "الثلاثاء|الثلثاء|الثلاثا|tuesday|tue",
    2: "الاربعاء|الأربعاء|الأربعا|الاربعا|wednesday|wed",
    3: "الخميس|thursday|thu",
    4: "الجمعه|الجمعة|friday|fri",
    5: "السبت|saturday|sat",
    6: "الاحد|الأحد|sunday|sun",
}
WEEKDAY_CANON = tuple(key(WEEKDAYS[i].split("|")[0]) for i in range(7))

# Words after a weekday, a week, a month or a year: -1 the last one, +1 the next one.
DIRECTIONS: dict[int, str] = {
    -1: "الماضي|الماضية|المنصرم|المنصرمة|الفائت|الفائتة|السابق|السابقة",
    1: "القادم|القادمة|المقبل|المقبلة|الجاي|الجاية",
}
PERIODS: dict[str, str] = {"week": "الأسبوع|الاسبوع", "month": "الشهر", "year": "العام|السنة|السنه"}

# Day-parts after a 12-hour time (or alone, for the two that name an instant).
DAY_PARTS: dict[str, str] = {
    "am": "صباحا|صباحاً|صباح|الصباح|ص.|am|a.m.|a.m|فجرا|فجراً|الفجر",
    "noon": "ظهرا|ظهراً|الظهر|الظهيرة|ظهيرة|ظهيره",
    "pm": "مساء|مساءً|مساءا|مسائا|مساءاً|المساء|pm|p.m.|p.m|عصرا|عصراً|العصر|بعد الظهر|"
          "بعد الظهيرة|بعد الظهيره",
    "night": "ليلا|ليلاً",
    "midnight": "منتصف الليل|منتصف ليل",
    "midday": "منتصف النهار|منتصف اليوم",
}
# A quarter, a third, a half after an hour («الخامسة والنصف»): minutes added.
FRACTIONS: dict[int, str] = {
    30: "والنصف|و النصف|ونصف|و نصف",
    15: "والربع|و الربع|وربع|و ربع",
    20: "والثلث|و الثلث|وثلث|و ثلث",
    -15: "الا ربع|الا ربعا|إلا ربع|إلا ربعا",
    -20: "الا ثلث|إلا ثلث|الا ثلثا",
}

# Units of relative forms: (singular, dual, plural) spellings; the dual states its count. The singular
# includes the accusative after 11 and more (منذ 15 يوماً).
UNITS: dict[str, tuple[str, str, str]] = {
    "second": ("ثانية|ثانيه", "ثانيتين|ثانيتان", "ثوان|ثواني|ثوانٍ"),
    "minute": ("دقيقة", "دقيقتين|دقيقتان", "دقائق"),
    "hour": ("ساعة", "ساعتين|ساعتان", "ساعات"),
    "day": ("يوم|يوما|يوماً", "يومين|يومان", "أيام|ايام"),
    "week": ("أسبوع|اسبوع|أسبوعا|اسبوعا", "أسبوعين|اسبوعين|أسبوعان", "أسابيع|اسابيع"),
    "month": ("شهر|شهرا|شهراً", "شهرين|شهران", "أشهر|اشهر|شهور"),
    "year": ("سنة|عام|عاما|عاماً", "سنتين|سنتان|عامين|عامان", "سنوات|أعوام|اعوام|سنين"),
}
AGO = "منذ|قبل"  # منذ 5 دقائق
IN = "بعد|خلال"  # بعد 5 دقائق (only in a string that is all date words)

# Days relative to today; "now" is the reference time itself.
RELATIVE_DAYS: dict[Any, str] = {
    0: "اليوم|النهاردة|النهارده|النهاردا",
    -1: "أمس|امس|البارحة|بالأمس|إمبارح|امبارح|إمبارحة|امبارحه|مبارح",
    -2: "أول أمس|أول من أمس|أمس الأول|اول امبارح|أول إمبارح",
    1: "غدا|غداً|الغد|غد|بكرة|بكره|بكرا",
    2: "بعد غد|بعد الغد|بعد غدٍ|بعد بكرة|بعد بكره",
    "now": "الآن|الان",
}

# Numbers in words. Cardinals for 1-10 (masculine|feminine forms; «واحد» is left to the labels:
# «ساعة واحدة» states its count twice).
CARDINALS: dict[int, str] = {
    2: "اثنان|اثنين|اثنتان|اثنتين", 3: "ثلاثة|ثلاث", 4: "أربعة|أربع", 5: "خمسة|خمس", 6: "ستة|ست",
    7: "سبعة|سبع", 8: "ثمانية|ثماني|ثمان", 9: "تسعة|تسع", 10: "عشرة|عشر",
}
CARDINAL_UNITS_IN_COMPOUNDS: dict[int, str] = {1: "واحد|واحدة|احدى|إحدى", **CARDINALS}
CARDINAL_TEENS: dict[int, str] = {
    11: "أحد عشر|احد عشر|إحدى عشرة|احدى عشرة|احدى عشر", 12: "اثنا عشر|اثني عشر|اثنتا عشرة|اثنتي عشرة",
}
TENS: dict[int, tuple[str, str]] = {  # (cardinal, ordinal)
    20: ("عشرون|عشرين", "العشرون|العشرين"), 30: ("ثلاثون|ثلاثين", "الثلاثون|الثلاثين"),
}
ORDINALS: dict[int, str] = {  # masculine|feminine, as a day («الخامس من») or an hour («الخامسة»)
    1: "الأول|الاول|الأولى|الاولى", 2: "الثاني|الثانية", 3: "الثالث|الثالثة", 4: "الرابع|الرابعة",
    5: "الخامس|الخامسة", 6: "السادس|السادسة", 7: "السابع|السابعة", 8: "الثامن|الثامنة",
    9: "التاسع|التاسعة", 10: "العاشر|العاشرة",
}
ORDINAL_ONE_IN_COMPOUNDS = "الحادي|الحادية|الواحد"

CALENDAR_MARKERS: dict[str, str] = {
    "h": "ه|هـ|هجري|هجرية|هجريا|هجرياً|للهجرة|الهجري|الهجرية",
    "g": "ميلادي|ميلادية|ميلاديا|ميلادياً|للميلاد|الميلادي|الميلادية",
}
CLOCK = "الساعة|بالساعة|في الساعة|عند الساعة"  # «الساعة 10»
ACCORDING = "الموافق|الموافقة|الموافق لـ|الموافق ل|يوافق|ويوافق|الموافق ليوم"  # Hijri «الموافق» Gregorian
AND = "و"

# Words that frame a stamp and carry no date: read and dropped. A label separates what stands before
# it from what follows («01:00 نشر في م»: م is not PM); a link does not («3:00 من بعد الظهر»).
LINKS = "من|في"
LABELS = (
    "تم النشر|تم نشر|نشر|نشرت|نشر في|نشرت في|منشور|منشور في|النشر|تاريخ النشر|تاريخ|بتاريخ|"
    "نشر بتاريخ|التاريخ|تاريخ الإضافة|أضيف|أضيف في|أضيف بتاريخ|تاريخ التحديث|آخر تحديث|"
    "اخر تحديث|آخر تعديل|تم التحديث|تحديث|التحديث|محدث|حدث|حدث في|تعديل|آخر|الأخير|"
    "في|من|إلى|الى|حتى|على|عند|تمام|لعام|لسنة|لشهر|العام|السنة|الشهر|بتوقيت|توقيت|التوقيت|"
    "بالتوقيت|المحلي|المحلية|بالتوقيت المحلي|التوقيت المحلي|حوالي|نحو|قرابة|تقريبا|تقريباً|مضت|مضى|"
    "واحدة|واحد|وقت|الوقت|ال|published|updated|posted|modified|last|on|at|date|time|t|of|the"
)


def _spellings(text: str) -> list[str]:
    return [key(s) for s in text.split("|") if s.strip()]


def _number_words() -> dict[str, int]:  # pragma: no mutate block (runs at import)
    """Cardinals and ordinals 1-31 (and the tens) in their usual spellings -> value."""
    out: dict[str, int] = {}
    for n, forms in (*CARDINALS.items(), *CARDINAL_TEENS.items(), *ORDINALS.items()):
        for s in _spellings(forms):
            out[s] = n
    for n in range(3, 10):  # ثلاثة عشر, ثلاث عشرة; الثالث عشر, الثالثة عشرة
        for s in _spellings(CARDINALS[n]):
            out[f"{s} عشر"] = out[f"{s} عشره"] = 10 + n
        for s in _spellings(ORDINALS[n]):
            out[f"{s} عشر"] = out[f"{s} عشره"] = 10 + n
    for s in _spellings(ORDINAL_ONE_IN_COMPOUNDS):
        out[f"{s} عشر"] = out[f"{s} عشره"] = 11
    for s in _spellings(ORDINALS[2]):
        out[f"{s} عشر"] = out[f"{s} عشره"] = 12
    for tens, (cardinal, ordinal) in TENS.items():
        for s in _spellings(cardinal) + _spellings(ordinal):
            out[s] = tens
        units = [(n, _spellings(f)) for n, f in CARDINAL_UNITS_IN_COMPOUNDS.items()]
        units += [(n, _spellings(ORDINALS[n])) for n in range(2, 10)]
        units += [(1, _spellings(ORDINAL_ONE_IN_COMPOUNDS))]
        for n, spellings in units:
            for s in spellings:
                for t in _spellings(cardinal) + _spellings(ordinal):
                    out[f"{s} و{t}"] = out[f"{s} و {t}"] = tens + n
    return {s: n for s, n in out.items() if n <= 31}


NUMBER_WORDS = _number_words()
