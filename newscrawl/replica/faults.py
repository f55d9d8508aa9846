"""Fault plans of the replica: which misbehaviours it injects, parsed from ``--faults SPEC``.

A spec is a comma list of ``kind=value`` (``5xx=0.1,timeout=0.05``), a bare ``kind`` (its default
value), ``all`` (every kind at its default) or ``none``; later items override earlier ones, so
``all,5xx=0.2`` changes one rate. The value is a rate in [0, 1] for every kind except the counted
ones (``oversized``, ``pagination_trap``): there a value ≥ 1 is a count, below 1 a share.

Every decision is a pure function of ``(seed, kind, identity)`` (:func:`unit`), never of request order,
so a replica started twice with the same arguments misbehaves identically. Pure Python, no Twisted.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

#: Fail the first ``fault_attempts`` requests of a URL, then let it through.
TRANSIENT: tuple[str, ...] = ("5xx", "timeout", "drop", "truncate")
#: Transient kinds that listing pages may get too (articles get all of :data:`TRANSIENT`).
LISTING_TRANSIENT: tuple[str, ...] = ("5xx", "timeout", "drop")
#: Always applied to the pages or listings they pick.
PERMANENT: tuple[str, ...] = (
    "malformed",
    "encoding",
    "duplicate_urls",
    "missing_fields",
    "bad_dates",
    "redirect_offsite",
    "redirect_loop",
    "pagination_trap",
    "oversized",
)
KINDS: tuple[str, ...] = TRANSIENT + PERMANENT
#: Kinds whose value is a count (≥ 1) or a share (< 1) rather than a per-item rate.
COUNTED: tuple[str, ...] = ("pagination_trap", "oversized")
#: The values ``all`` stands for.
DEFAULTS: Mapping[str, float] = {
    "5xx": 0.1,
    "timeout": 0.03,
    "drop": 0.05,
    "truncate": 0.03,
    "malformed": 0.05,
    "encoding": 0.05,
    "duplicate_urls": 0.05,
    "missing_fields": 0.05,
    "bad_dates": 0.03,
    "redirect_offsite": 0.02,
    "redirect_loop": 0.02,
    "pagination_trap": 1,
    "oversized": 2,
}
#: Status codes of the ``5xx`` fault, picked per URL.
ERROR_STATUSES: tuple[int, ...] = (500, 502, 503)
#: Declarations of a windows-1256 page (``encoding`` fault), picked per page; ``mislabeled`` says
#: UTF-8 (header and meta) over windows-1256 bytes.
ENCODING_VARIANTS: tuple[str, ...] = ("header", "meta", "http-equiv", "none", "mislabeled")
#: Fields a ``missing_fields`` page may lack (the first one the article has, in a per-page order).
MISSING_FIELDS: tuple[str, ...] = ("subtitle", "image", "dateline", "updated")
#: Kinds of a ``bad_dates`` listing stamp.
BAD_DATE_KINDS: tuple[str, ...] = ("garbage", "weekday_mismatch", "month_mismatch")
#: Where ``redirect_offsite`` links end up: another host, never resolvable.
OFFSITE_BASE = "http://offsite.example.invalid"


class FaultSpecError(ValueError):
    """A ``--faults`` spec that cannot be understood (unknown kind, bad value)."""


def unit(seed: int, kind: str, identity: str) -> float:
    """A uniform number in [0, 1) fixed by ``(seed, kind, identity)``: the per-item fault die."""
    digest = hashlib.blake2b(f"{seed}\x1f{kind}\x1f{identity}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64


def pick(seed: int, kind: str, identity: str, modulo: int) -> int:
    """A number in ``range(modulo)`` fixed by ``(seed, kind, identity)``."""
    return int(unit(seed, kind, identity) * modulo) % max(1, modulo)


@dataclass(frozen=True)
class FaultPlan:
    """Which faults to inject and how much: ``{kind: value}`` (see the module docstring)."""

    values: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for kind, value in self.values.items():
            _check(kind, value)
        # keep the canonical order and drop zeros, whatever the caller passed
        ordered = {k: float(self.values[k]) for k in KINDS if self.values.get(k, 0) > 0}
        object.__setattr__(self, "values", ordered)

    def __bool__(self) -> bool:
        return bool(self.values)

    def rate(self, kind: str) -> float:
        """The value of ``kind`` (0 when not injected)."""
        return self.values.get(kind, 0.0)

    def count(self, kind: str, population: int) -> int:
        """How many of ``population`` items a counted kind picks (at least 1 when it is on)."""
        value = self.rate(kind)
        if value <= 0 or population <= 0:
            return 0
        wanted = int(value) if value >= 1 else math.ceil(value * population)
        return max(1, min(population, wanted))

    @property
    def spec(self) -> str:
        """The plan as a spec string (``parse_faults(plan.spec) == plan``), ``none`` when empty."""
        return ",".join(f"{k}={_number(v)}" for k, v in self.values.items()) or "none"

    def as_dict(self) -> dict[str, float | int]:
        """``{kind: value}`` for the manifest (counts as integers)."""
        return {k: (int(v) if k in COUNTED and v >= 1 else v) for k, v in self.values.items()}


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def _check(kind: str, value: float) -> None:
    if kind not in KINDS:
        raise FaultSpecError(f"unknown fault kind {kind!r}; known kinds: {', '.join(KINDS)} (or 'all')")
    if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
        raise FaultSpecError(f"fault {kind}: value must be a non-negative number, not {value!r}")
    if kind not in COUNTED and value > 1:
        raise FaultSpecError(f"fault {kind}: a rate must be between 0 and 1, not {value!r}")
    if kind in COUNTED and value >= 1 and value != int(value):
        raise FaultSpecError(f"fault {kind}: a count must be a whole number, not {value!r}")


def parse_faults(spec: str | Iterable[str] | None) -> FaultPlan:
    """Parse ``--faults`` (``"all,5xx=0.2"``); also takes the parts as a list. Raises FaultSpecError."""
    if spec is None:
        return FaultPlan()
    parts = spec.split(",") if isinstance(spec, str) else list(spec)
    values: dict[str, float] = {}
    for raw in parts:
        item = raw.strip()
        if not item or item.lower() == "none":
            continue
        if item.lower() == "all":
            values.update(DEFAULTS)
            continue
        kind, has_value, text = (x.strip() for x in item.partition("="))
        kind = kind.lower()
        if kind not in KINDS:
            _check(kind, 0)
        if not has_value:
            values[kind] = DEFAULTS[kind]
            continue
        try:
            value = float(text)
        except ValueError:
            raise FaultSpecError(f"fault {kind}: {text!r} is not a number") from None
        _check(kind, value)
        values[kind] = value
    return FaultPlan(values)


def as_plan(faults: str | FaultPlan | Mapping[str, float] | None) -> FaultPlan:
    """A :class:`FaultPlan` from whatever the caller has: a spec, a mapping, a plan or None."""
    if isinstance(faults, FaultPlan):
        return faults
    if faults is None or isinstance(faults, str):
        return parse_faults(faults)
    return FaultPlan(dict(faults))


__all__ = [
    "COUNTED",
    "DEFAULTS",
    "KINDS",
    "PERMANENT",
    "TRANSIENT",
    "FaultPlan",
    "FaultSpecError",
    "as_plan",
    "parse_faults",
    "pick",
    "unit",
]
