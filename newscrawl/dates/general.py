"""The general path: any normalized string through the tokenizer, the grammar's rules and the composition
of their parts. Loaded by the parser on first use: a run of publisher stamps never loads it."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from newscrawl.dates.compose import Reading, compose
from newscrawl.dates.grammar import read
from newscrawl.dates.normalize import digits_system
from newscrawl.dates.result import DateResult, none
from newscrawl.dates.tokens import tokenize
from newscrawl.dates.zones import Zone

_DATEISH = frozenset("dynNTrRFp")  # without one of these kinds there is no date to read


def read_general(s: str, text: str, now: _dt.datetime | None, tzpair: Zone | None) -> DateResult:
    """The value of ``s`` (``text`` normalized), or no value with the reason."""
    findings: dict[str, Any] = {}
    digits = digits_system(text)
    if digits:
        findings["digits"] = digits
    tokens = tokenize(s)
    if _DATEISH.isdisjoint(tokens.kinds):
        return none("unparsed", findings)
    return compose(Reading(tokens, read(tokens), findings, now, tzpair))
