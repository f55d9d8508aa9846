"""One bound method object per spider callback, for all the requests that name it.

Before calling a callback, Scrapy checks whether it is a generator that returns a value
(``scrapy.utils.misc.is_generator_with_return_value``: ``inspect.getsource`` and ``ast.parse`` of its
source) and remembers the answer in a cache that holds the callback object only weakly. Each
``callback=self.parse_article`` is a new bound method, gone with its request, so the check read and
parsed the source again for nearly every response (~2 % of a crawl's CPU, measured by sampling). The
object :func:`held` returns lives as long as the spider: the check runs once per callback. It is
equal to ``self.parse_article`` and is no attribute of the spider, so a request serialized to a
JOBDIR still names its callback ``parse_article``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_HELD = "_held_callbacks"


def held(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` (a bound method), as the same object every time for its instance and function."""
    owner = method.__self__  # type: ignore[attr-defined]
    callbacks = owner.__dict__.setdefault(_HELD, {})
    return callbacks.setdefault(method.__func__, method)  # type: ignore[attr-defined]
