"""Time zones: the named local zones news pages print, UTC offsets, and the ``default_tz`` argument."""

from __future__ import annotations

import datetime as _dt
import re

UTC = _dt.UTC
Zone = tuple[str, _dt.tzinfo]  # (key as reported in findings, tzinfo)
UTC_ZONE: Zone = ("UTC", UTC)

# «بتوقيت القدس»: a zone prefix, optionally «مدينة», then a city or country.
ZONE_PREFIXES = (
    "توقيت", "بتوقيت", "حسب توقيت", "بحسب توقيت", "وفق توقيت", "وفقا لتوقيت",
    "على توقيت", "التوقيت", "بالتوقيت",
)
ZONE_CITIES: dict[str, str] = {
    "مكة المكرمة": "Asia/Riyadh", "مكة": "Asia/Riyadh", "الرياض": "Asia/Riyadh",
    "جدة": "Asia/Riyadh", "السعودية": "Asia/Riyadh", "المملكة العربية السعودية": "Asia/Riyadh",
    "المملكة المغربية": "Africa/Casablanca", "الإمارات العربية المتحدة": "Asia/Dubai",
    "القدس": "Asia/Jerusalem", "القدس المحتلة": "Asia/Jerusalem",
    "فلسطين": "Asia/Hebron", "رام الله": "Asia/Hebron", "غزة": "Asia/Gaza",
    "بيروت": "Asia/Beirut", "لبنان": "Asia/Beirut",
    "أبوظبي": "Asia/Dubai", "أبو ظبي": "Asia/Dubai", "ابوظبي": "Asia/Dubai",
    "دبي": "Asia/Dubai", "الإمارات": "Asia/Dubai",
    "القاهرة": "Africa/Cairo", "مصر": "Africa/Cairo",
    "دمشق": "Asia/Damascus", "سوريا": "Asia/Damascus", "سورية": "Asia/Damascus",
    "عمان": "Asia/Amman", "عمّان": "Asia/Amman", "الأردن": "Asia/Amman",
    "سلطنة عمان": "Asia/Muscat", "مسقط": "Asia/Muscat",
    "الدوحة": "Asia/Qatar", "قطر": "Asia/Qatar",
    "الكويت": "Asia/Kuwait",
    "بغداد": "Asia/Baghdad", "العراق": "Asia/Baghdad", "أربيل": "Asia/Baghdad",
    "المنامة": "Asia/Bahrain", "البحرين": "Asia/Bahrain",
    "الرباط": "Africa/Casablanca", "المغرب": "Africa/Casablanca",
    "الدار البيضاء": "Africa/Casablanca",
    "تونس": "Africa/Tunis", "الجزائر": "Africa/Algiers",
    "الخرطوم": "Africa/Khartoum", "السودان": "Africa/Khartoum",
    "ليبيا": "Africa/Tripoli", "طرابلس الغرب": "Africa/Tripoli",
    "صنعاء": "Asia/Aden", "عدن": "Asia/Aden", "اليمن": "Asia/Aden",
    "نواكشوط": "Africa/Nouakchott", "موريتانيا": "Africa/Nouakchott",
    "أنقرة": "Europe/Istanbul", "إسطنبول": "Europe/Istanbul", "اسطنبول": "Europe/Istanbul",
    "تركيا": "Europe/Istanbul",
    "طهران": "Asia/Tehran", "إيران": "Asia/Tehran",
    "لندن": "Europe/London", "باريس": "Europe/Paris", "برلين": "Europe/Berlin",
    "موسكو": "Europe/Moscow", "واشنطن": "America/New_York", "نيويورك": "America/New_York",
}
# Greenwich in words: UTC.
GMT_NAMES = ("غرينتش", "غرينيتش", "جرينتش", "جرينيتش", "غرنتش", "جرنتش", "قرينتش")
GMT_PREFIXES = ("", "توقيت ", "بتوقيت ", "التوقيت ", "بالتوقيت ", "حسب توقيت ", "بحسب توقيت ",
                "وفق توقيت ", "على توقيت ")
GMT_WORDS = ("gmt", "utc", "z", "ت.غ", "تغ")

_ZONE_CACHE: dict[str, _dt.tzinfo] = {}
_FIXED_CACHE: dict[tuple[str, int, int], Zone] = {}


def named(name: str) -> _dt.tzinfo:
    """The ZoneInfo of an IANA name (loaded once)."""
    tz = _ZONE_CACHE.get(name)
    if tz is None:
        from zoneinfo import ZoneInfo  # loaded with the first named zone, not at every start

        tz = _ZONE_CACHE[name] = ZoneInfo(name)
    return tz


def fixed(sign: str, hours: int, minutes: int) -> Zone:
    """(key, tzinfo) for a fixed UTC offset; +00:00 is "UTC"."""
    found = _FIXED_CACHE.get((sign, hours, minutes))
    if found is not None:
        return found
    if hours == 0 and minutes == 0:
        return UTC_ZONE
    delta = _dt.timedelta(hours=hours, minutes=minutes)
    if sign == "-":
        delta = -delta
    found = f"{sign}{hours:02d}:{minutes:02d}", _dt.timezone(delta)
    _FIXED_CACHE[(sign, hours, minutes)] = found
    return found


_OFFSET_RE = re.compile(r"^(?:utc|gmt)?([+-])([0-9]{1,2})(?::?([0-9]{2}))?$")


def resolve_tz(tz: str | _dt.tzinfo | None) -> Zone | None:
    """Turn a ``default_tz`` argument into (name, tzinfo); ValueError if unknown."""
    if tz is None:
        return None
    if isinstance(tz, _dt.tzinfo):
        return (getattr(tz, "key", None) or str(tz)), tz
    if not isinstance(tz, str) or not tz.strip():
        raise ValueError(f"unknown time zone: {tz!r}")
    name = tz.strip()
    if name.upper() in ("UTC", "GMT", "Z"):
        return UTC_ZONE
    m = _OFFSET_RE.match(name.lower())
    if m:
        return fixed(m.group(1), int(m.group(2)), int(m.group(3) or 0))
    try:
        return name, named(name)
    except (LookupError, ValueError, OSError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"unknown time zone: {tz!r}") from exc
