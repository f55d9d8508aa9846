"""robots.txt checks without normalizing every long percent-encoded URL (``ROBOTSTXT_PARSER``).

Scrapy asks Protego ``can_fetch(url)`` for every request. Protego first normalizes the URL's path
(every ``%XX`` escape decoded, then the path quoted again), in Python, one escape at a time: on
this publisher's article URLs (Arabic slugs of a hundred escapes and more) that is most of a
request's robots.txt cost. :class:`QuickProtegoRobotParser` answers first from what needs no
normalizing, and hands anything else to Protego:

The start of a path made only of characters that percent-encoding never changes (letters, digits,
``/ _ . ~ = -``) is the same in the normalized path. When the rules of the crawl's user agent are
plain prefixes (no ``*``, no ``$``) and none of them can still match past that start — each one
differs from it within their common length — no rule matches and the URL is allowed, as Protego
would say. Every other case (a rule that may match, wildcard or end-anchored rules, a path without
such a start) is Protego's own answer. Protego's internals are read (the user agent's rule set and
its plain prefixes); if they change, every URL simply goes to Protego.
"""

from __future__ import annotations

import re
from typing import Any

from scrapy.robotstxt import ProtegoRobotParser
from scrapy.utils.python import to_unicode

#: Scheme and authority (optional), then the longest start of the path that normalizing leaves as is.
_PLAIN_START = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*)?(/(?!/)[A-Za-z0-9_.~/=-]*)")


class QuickProtegoRobotParser(ProtegoRobotParser):
    """Scrapy's Protego parser, answering without normalizing when no rule can match (module docstring)."""

    def __init__(self, robotstxt_body: bytes, spider: Any) -> None:
        super().__init__(robotstxt_body, spider)
        self._prefixes: dict[str, tuple[str, ...] | None] = {}  # user agent -> plain prefixes, or None

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        url, user_agent = to_unicode(url), to_unicode(user_agent)
        if self._surely_allowed(url, user_agent):
            return True
        return bool(self.rp.can_fetch(url, user_agent))

    def _surely_allowed(self, url: str, user_agent: str) -> bool:
        if user_agent not in self._prefixes:
            self._prefixes[user_agent] = self._plain_prefixes(user_agent)
        prefixes = self._prefixes[user_agent]
        if prefixes is None:
            return False
        start = _PLAIN_START.match(url)
        if start is None:
            return False
        head = start[1]
        return not any(head.startswith(p) or p.startswith(head) for p in prefixes)

    def _plain_prefixes(self, user_agent: str) -> tuple[str, ...] | None:
        """The normalized prefixes of the user agent's rules when every rule is one (an empty tuple
        when no rule set applies to it), None when some rule is not a plain prefix or Protego's
        internals are not what this was written against."""
        try:
            rules = self.rp._get_matching_rule_set(user_agent)
            if rules is None:
                return ()
            prefixes = rules._plain_prefixes
            if prefixes is None:
                prefixes = rules._build_index()
            if rules._special_rules:
                return None
            return tuple(str(p) for p in prefixes)
        except AttributeError:
            return None
