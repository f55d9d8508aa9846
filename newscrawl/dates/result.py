"""What a parse returns: :class:`DateResult`, its kinds and issue codes, and the value formats."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

UTC = _dt.UTC

KINDS = ("datetime", "date", "time", "monthday", "none")
ISSUE_CODES = (
    "unparsed",
    "weekday_mismatch",
    "month_pair_mismatch",
    "hijri_mismatch",
    "month_number_mismatch",
    "invalid_date",
    "ambiguous",
    "needs_reference_time",
)


FIELDS = ("value", "kind", "datetime", "date", "time", "utc", "issues", "findings")


class DateResult:
    """Outcome of :func:`parse_date`; falsy when the text holds no date. Read-only, compared by value.

    A plain class rather than a frozen dataclass: every run of the command line loads this module, and
    ``dataclasses`` (with ``inspect``) was a tenth of its start-up."""

    __match_args__ = FIELDS
    __hash__ = None  # type: ignore[assignment]  # findings is a dict

    value: str | None
    kind: str
    datetime: _dt.datetime | None
    date: _dt.date | None
    time: _dt.time | None
    utc: bool
    issues: tuple[str, ...]
    findings: dict

    def __init__(self, value: str | None, kind: str, datetime: _dt.datetime | None = None,
                 date: _dt.date | None = None, time: _dt.time | None = None, utc: bool = False,
                 issues: tuple[str, ...] = (), findings: dict | None = None) -> None:
        self.__dict__.update(value=value, kind=kind, datetime=datetime, date=date, time=time, utc=utc,
                             issues=issues, findings={} if findings is None else findings)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"DateResult is read-only: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"DateResult is read-only: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not DateResult:
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in FIELDS)

    def __repr__(self) -> str:
        return "DateResult(" + ", ".join(f"{f}={getattr(self, f)!r}" for f in FIELDS) + ")"

    def __bool__(self) -> bool:
        return self.value is not None

    def __getattr__(self, name: str) -> Any:
        # Findings of a publisher stamp are worked out when first read (the pipeline and the command
        # line never read them): see lazy_result.
        if name == "findings" and "_explain" in self.__dict__:
            findings = self.__dict__.pop("_explain")()
            self.__dict__["findings"] = findings
            return findings
        raise AttributeError(name)

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-serializable dict (value, kind, utc, issues, findings)."""
        return {
            "value": self.value,
            "kind": self.kind,
            "utc": self.utc,
            "issues": list(self.issues),
            "findings": self.findings,
        }


_new = object.__new__


def result(value: str | None, kind: str, dt: _dt.datetime | None, d: _dt.date | None, t: _dt.time | None,
           utc: bool, issues: list[str] | tuple[str, ...], findings: dict) -> DateResult:
    """The same object as ``DateResult(...)``, built without a call to ``__init__``."""
    res = _new(DateResult)
    res.__dict__.update(value=value, kind=kind, datetime=dt, date=d, time=t, utc=utc, issues=tuple(issues),
                        findings=findings)
    return res


def lazy_result(value: str, kind: str, dt: _dt.datetime | None, d: _dt.date | None, t: _dt.time | None,
                utc: bool, issues: tuple[str, ...], explain: Callable[[], dict]) -> DateResult:
    """A result whose findings are ``explain()``, called the first time they are read."""
    res = _new(DateResult)
    res.__dict__.update(value=value, kind=kind, datetime=dt, date=d, time=t, utc=utc, issues=issues,
                        _explain=explain)
    return res


def none(issue: str, findings: dict, issues: list[str] | None = None) -> DateResult:
    """No value; ``issue`` added to the issues found so far."""
    if not issues:
        out: tuple[str, ...] = (issue,)
    else:
        out = tuple(issues) if issue in issues else (*issues, issue)
    return result(None, "none", None, None, None, False, out, findings)


def date_result(d: _dt.date, issues: list[str] | tuple[str, ...], findings: dict) -> DateResult:
    return result(d.isoformat(), "date", None, d, None, False, issues, findings)


def datetime_result(dt: _dt.datetime, issues: list[str] | tuple[str, ...], findings: dict) -> DateResult:
    """A UTC-aware datetime (stated in UTC) or a naive one (zone unknown)."""
    if dt.tzinfo is None:
        return result(dt.isoformat(timespec="seconds"), "datetime", dt, dt.date(), dt.time(), False, issues,
                      findings)
    dt = dt.astimezone(UTC)
    return result(dt.isoformat(timespec="seconds"), "datetime", dt, dt.date(), dt.timetz(), True, issues,
                  findings)


def time_result(t: _dt.time, utc: bool, issues: list[str] | tuple[str, ...], findings: dict) -> DateResult:
    return result(fmt_time(t), "time", None, None, t, utc, issues, findings)


def fmt_time(t: _dt.time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}"


def combine_date_time(d: _dt.date, t: _dt.time) -> _dt.datetime:
    """Combine a date and a time into a UTC-aware datetime (naive time = UTC)."""
    if t.tzinfo is None:
        return _dt.datetime.combine(d, t, tzinfo=UTC)
    return _dt.datetime.combine(d, t).astimezone(UTC)
