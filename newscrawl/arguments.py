"""Typed spider arguments: every ``-a name=value`` declared once, converted and checked at start-up.

:data:`ARGUMENTS` is the one declaration of each argument (name, type, default, help, converter); the
README's argument table is generated from it (``python -m newscrawl.arguments``) and a test keeps the
two equal. :meth:`CrawlArguments.from_kwargs` refuses an unknown name (with a "did you mean"), a bad
value (naming the values it accepts) and contradictory combinations, each with one line that names
the argument: ``scrapy crawl`` turns it into a usage error (exit status 2).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from newscrawl.network import HostsError, parse_hosts
from newscrawl.sites import ALL_SITES, SITES, SiteDefinition


class ArgumentError(ValueError):
    """A spider argument with a bad value; the message names the argument and what it accepts."""


def suggestion(word: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest known word, or an empty string."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def unknown_value(name: str, value: Any, what: str, word: str, known: Iterable[str],
                  where: str = "") -> ArgumentError:
    """The error of a value that is not one of ``known``: it names them, and the closest one."""
    known = list(known)
    return ArgumentError(f"-a {name}={value!r}: unknown {what} {word!r}{where}{suggestion(word, known)};"
                         f" known: {', '.join(known)}")


# --- converters: (argument name, raw value) -> typed value ------------------------------------------

def _positive_int(name: str, value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ArgumentError(f"-a {name}={value!r}: expected a whole number") from None
    if number < 1:
        raise ArgumentError(f"-a {name}={value!r}: expected a number of at least 1")
    return number


def _int(name: str, value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ArgumentError(f"-a {name}={value!r}: expected a whole number") from None


def _iso_date(name: str, value: Any) -> date:
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).date()
    except ValueError:
        raise ArgumentError(f"-a {name}={value!r}: expected an ISO date such as 2025-04-22") from None


def _key_list(name: str, value: Any) -> tuple[str, ...] | None:
    if isinstance(value, (list, tuple)):
        return tuple(value)
    if str(value).strip() == "all":
        return None
    keys = tuple(part.strip() for part in str(value).split(",") if part.strip())
    if not keys:
        raise ArgumentError(f"-a {name}={value!r}: expected a comma list of keys, or all")
    return keys


def _flag(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ArgumentError(f"-a {name}={value!r}: expected 1/0, true/false, yes/no")


def _choice(*choices: str, aliases: dict[str, str] | None = None) -> Callable[[str, Any], str]:
    def convert(name: str, value: Any) -> str:
        word = str(value).strip().lower()
        word = (aliases or {}).get(word, word)
        if word not in choices:
            raise ArgumentError(f"-a {name}={value!r}: expected one of {', '.join(choices)}"
                                f"{suggestion(word, choices)}")
        return word
    return convert


def _url(name: str, value: Any) -> str:
    text = str(value).strip()
    if not text.startswith(("http://", "https://")):
        raise ArgumentError(f"-a {name}={value!r}: expected an http:// or https:// URL")
    return text.rstrip("/")


def _site_spec(name: str, value: Any) -> str:
    spec = str(value).strip()
    if spec == ALL_SITES:
        return spec
    keys = [part.strip() for part in spec.split(",") if part.strip()]
    if not keys:
        raise ArgumentError(f"-a {name}={value!r}: no site given; known: {', '.join(SITES)} (or {ALL_SITES})")
    for key in keys:
        if key not in SITES:
            raise unknown_value(name, value, "site", key, [*SITES, ALL_SITES])
    return ",".join(dict.fromkeys(keys))


def _hosts(name: str, value: Any) -> dict[str, Any] | None:
    try:
        return parse_hosts(value)
    except HostsError as exc:
        raise ArgumentError(f"-a {name}=: {exc}") from None


def _faults(name: str, value: Any) -> str:
    from newscrawl.replica.faults import FaultSpecError, parse_faults

    try:
        parse_faults(str(value))
    except FaultSpecError as exc:
        raise ArgumentError(f"-a {name}={value!r}: {exc}") from None
    return str(value)


def _text(name: str, value: Any) -> str:
    return str(value)


# --- the declarations ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Argument:
    """One spider argument: what the README table says of it, and how its value is read."""

    name: str
    type: str  # the README's "type" words
    default: Any  # the value when the argument is not given (or given empty)
    default_text: str  # the README's words for the default
    help: str
    convert: Callable[[str, Any], Any]

    def read(self, raw: dict[str, Any]) -> Any:
        value = raw.get(self.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            return self.default
        return self.convert(self.name, value)


DISCOVERY_MODES = ("listings", "rss", "sitemap", "backfill")
SOURCES = ("live", "replica")

#: Every spider argument, in the README table's order.
ARGUMENTS: tuple[Argument, ...] = (
    Argument("site", "key, comma list or `all`", "arabstoday", "`arabstoday`",
             "site(s) of the network to crawl (`scrapy sites` lists the keys; see "
             "[The network of sites](#the-network-of-sites))", _site_spec),
    Argument("hosts", "JSON or `@file.json`", None, "none",
             "where each site is crawled instead of its own hosts: `{\"emiratesvoice\": {\"base_url\": URL, "
             "\"mirrors\": [URL, …]}}` (the replica serves it at `/__replica__/network.json`)", _hosts),
    Argument("discover", "`listings` \\| `rss` \\| `sitemap` \\| `backfill`", "listings", "`listings`",
             "how articles are found (see [Discovering articles without listings]"
             "(#discovering-articles-without-listings))",
             _choice(*DISCOVERY_MODES, aliases={"feeds": "rss"})),
    Argument("source", "`live` \\| `replica`", "live", "`live`",
             "`replica` starts the embedded replica on a free loopback port inside the crawl and crawls it"
             " (not with `base_url` or `hosts`, which name where a replica already runs)", _choice(*SOURCES)),
    Argument("base_url", "URL", None, "the site's own",
             "crawl an already running replica or a mirror, e.g. `http://127.0.0.1:8000`", _url),
    Argument("sections", "comma list or `all`", None, "all",
             "section keys of the site(s) (`scrapy sites` lists them): for «العرب اليوم» `arab, syria, "
             "world, economy, sports, culture, tech, varieties, writers` (`varieties` is rendered in a "
             "browser)",
             _key_list),
    Argument("tags", "comma list", None, "none",
             "`discover=rss`: read the feeds of these tags, `/rss/<tag>` (an Arabic slug such as "
             "`المدينة-طنجة`), instead of the site's feed (with `sections`: besides the sections' feeds, "
             "and only articles of those sections)", _key_list),
    Argument("max_pages", "int ≥ 1", None, "unlimited",
             "`discover=listings`: listing pages followed per section", _positive_int),
    Argument("since", "ISO date", None, "none",
             "stop paginating a section once its entries are older than this date; with `discover=sitemap`"
             "/`rss` the window's first day", _iso_date),
    Argument("until", "ISO date", None, "none",
             "`discover=sitemap`/`rss`: only articles whose `lastmod` (sitemap) or `pubDate` (RSS) is on or "
             "before this date; `since` bounds them from below", _iso_date),
    Argument("limit", "int ≥ 1", None, "unlimited", "request at most this many articles", _positive_int),
    Argument("id_from", "int ≥ 1", None, "none",
             "`discover=backfill`: the first article id of the range to walk", _positive_int),
    Argument("id_to", "int ≥ 1", None, "none",
             "`discover=backfill`: the last article id of the range (included)", _positive_int),
    Argument("replica_articles", "int ≥ 1", 300, "300", "`source=replica`: size of the embedded replica",
             _positive_int),
    Argument("replica_seed", "int", 1, "1", "`source=replica`: content seed of the embedded replica", _int),
    Argument("replica_faults", "fault spec", None, "none",
             "`source=replica`: faults the embedded replica injects, e.g. `5xx=0.1,timeout=0.05,drop=0.05` "
             "or `all`", _faults),
    Argument("state", "path", None, "none",
             "SQLite file of the incremental state (also `-s NEWSCRAWL_STATE=…`): export only new or "
             "changed articles", _text),
    Argument("full", "bool", False, "0",
             "ignore the state for this run (everything exported; the state is refreshed)", _flag),
)
BY_NAME: dict[str, Argument] = {a.name: a for a in ARGUMENTS}
#: Arguments that only mean something with ``source=replica``.
REPLICA_ONLY = ("replica_articles", "replica_seed", "replica_faults")


def markdown_table() -> str:
    """The README's table of spider arguments, generated from :data:`ARGUMENTS`."""
    lines = ["| argument | type, default | meaning |", "|---|---|---|"]
    lines += [f"| `{a.name}` | {a.type}, {a.default_text} | {a.help} |" for a in ARGUMENTS]
    return "\n".join(lines)


def check_names(names: Iterable[str], allowed: Iterable[str] = BY_NAME) -> None:
    """Refuse an argument name that is not declared. Names starting with ``_`` are a scheduler's
    (scrapyd passes ``_job``) and are left to it."""
    allowed = list(allowed)
    for name in names:
        if name not in allowed and not name.startswith("_"):
            raise ArgumentError(f"-a {name}: unknown argument{suggestion(name, allowed)};"
                                f" known: {', '.join(allowed)}")


@dataclass(frozen=True)
class CrawlArguments:
    """Arguments of the site spider, with their values; declared in :data:`ARGUMENTS`."""

    site: str = "arabstoday"
    hosts: dict[str, Any] | None = None  # site key -> {"base_url", "mirrors"}: where each site is crawled
    discover: str = "listings"
    source: str = "live"
    base_url: str | None = None
    sections: tuple[str, ...] | None = None
    tags: tuple[str, ...] | None = None
    max_pages: int | None = None
    since: date | None = None
    until: date | None = None
    limit: int | None = None
    id_from: int | None = None
    id_to: int | None = None
    replica_articles: int = 300
    replica_seed: int = 1
    replica_faults: str | None = None
    state: str | None = None
    full: bool = False

    @classmethod
    def from_kwargs(cls, kwargs: dict[str, Any]) -> CrawlArguments:
        """Pop and convert every declared argument from ``kwargs`` (the spider's ``-a`` values); an
        undeclared name is an error (``_``-names are left in ``kwargs`` for the scheduler's use)."""
        check_names(kwargs)
        raw = {name: kwargs.pop(name) for name in list(kwargs) if name in BY_NAME}
        args = cls(**{a.name: a.read(raw) for a in ARGUMENTS})
        args.check(given={name for name, value in raw.items() if value not in (None, "")})
        return args

    def check(self, given: set[str]) -> None:
        """Refuse the combinations that cannot mean anything (``given``: the arguments set)."""
        _check_discovery(self)
        _check_source(self, given)
        _check_sections(self, self.sites)

    @property
    def sites(self) -> tuple[SiteDefinition, ...]:
        """The site definitions of ``site`` (one key, a comma list, or ``all``), in registry order."""
        if self.site == ALL_SITES:
            return tuple(SITES.values())
        return tuple(SITES[key] for key in self.site.split(","))


assert [f.name for f in fields(CrawlArguments)] == [a.name for a in ARGUMENTS], "declare each argument once"


def _check_discovery(args: CrawlArguments) -> None:
    if args.until is not None and args.discover not in ("rss", "sitemap"):
        raise ArgumentError(f"-a until={args.until.isoformat()!r}: applies to discover=sitemap or"
                            " discover=rss")
    if args.since and args.until and args.since > args.until:
        raise ArgumentError(f"-a since={args.since.isoformat()} is after -a until={args.until.isoformat()}:"
                            " the window is empty")
    if args.discover == "backfill" and (args.id_from is None or args.id_to is None):
        raise ArgumentError("-a discover=backfill: needs -a id_from=N and -a id_to=M (article ids)")
    if args.id_from is not None and args.id_to is not None and args.id_from > args.id_to:
        raise ArgumentError(f"-a id_from={args.id_from}: greater than -a id_to={args.id_to}")
    if (args.id_from is not None or args.id_to is not None) and args.discover != "backfill":
        raise ArgumentError("-a id_from/id_to: apply to discover=backfill only")
    if args.since is not None and args.discover == "backfill":
        raise ArgumentError(f"-a since={args.since.isoformat()}: does not apply to discover=backfill"
                            " (an id range has no dates)")
    if args.tags and args.discover != "rss":
        raise ArgumentError(f"-a tags={','.join(args.tags)}: applies to discover=rss only")
    if args.max_pages is not None and args.discover != "listings":
        raise ArgumentError(f"-a max_pages={args.max_pages}: applies to discover=listings only")


def _check_source(args: CrawlArguments, given: set[str]) -> None:
    if args.source == "replica":
        for name in ("base_url", "hosts"):
            if name in given:
                raise ArgumentError(f"-a source=replica with -a {name}=: source=replica starts a replica of"
                                    f" its own; {name} names where one already runs (give one of the two)")
    else:
        for name in REPLICA_ONLY:
            if name in given:
                raise ArgumentError(f"-a {name}=: applies to -a source=replica only")
    if args.base_url and len(args.sites) > 1:
        raise ArgumentError(f"-a base_url={args.base_url!r}: one URL cannot serve {len(args.sites)} sites;"
                            " use -a hosts= (a JSON object: site key -> base URL or {base_url, mirrors})")


def _check_sections(args: CrawlArguments, sites: tuple[SiteDefinition, ...]) -> None:
    if not args.sections:
        return
    known = list(dict.fromkeys(s.key for site in sites for s in site.sections))
    for key in args.sections:
        if key not in known:
            where = f" of site{'s' if len(sites) > 1 else ''} {', '.join(site.key for site in sites)}"
            raise unknown_value("sections", ",".join(args.sections), "section", key, known, where)


if __name__ == "__main__":  # python -m newscrawl.arguments: the README's table
    print(markdown_table())
