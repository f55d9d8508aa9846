"""Typed spider arguments: ``-a name=value`` strings converted and checked once, at start-up."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any


class ArgumentError(ValueError):
    """A spider argument with a bad value; the message names the argument and what it accepts."""


def _positive_int(name: str, value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ArgumentError(f"-a {name}={value!r}: expected a whole number") from None
    if number < 1:
        raise ArgumentError(f"-a {name}={value!r}: expected a number of at least 1")
    return number


def _iso_date(name: str, value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ArgumentError(f"-a {name}={value!r}: expected an ISO date such as 2025-04-22") from None


def _key_list(value: Any) -> tuple[str, ...] | None:
    if value in (None, "", "all"):
        return None
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return tuple(part.strip() for part in str(value).split(",") if part.strip())


def _flag(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ArgumentError(f"-a {name}={value!r}: expected 1/0, true/false, yes/no")


@dataclass(frozen=True)
class CrawlArguments:
    """Arguments of the site spiders, as documented in the spider docstring and the README."""

    site: str = "arabstoday"
    source: str = "live"
    base_url: str | None = None
    sections: tuple[str, ...] | None = None
    max_pages: int | None = None
    since: date | None = None
    limit: int | None = None
    replica_articles: int = 300
    replica_seed: int = 1
    replica_faults: str | None = None  # fault spec of the embedded replica, e.g. "5xx=0.1,drop=0.05"
    state: str | None = None
    full: bool = False
    # discovery (newscrawl/discovery.py): how article URLs are found, and the bounds of each way
    discover: str = "listings"
    until: date | None = None
    id_from: int | None = None
    id_to: int | None = None
    hosts: dict[str, Any] | None = None  # site key -> {"base_url", "mirrors"}: where each site is crawled

    @classmethod
    def from_kwargs(cls, kwargs: dict[str, Any]) -> CrawlArguments:
        """Pop and convert every known argument from ``kwargs`` (the spider's ``-a`` values)."""
        known = {f.name for f in fields(cls)}
        raw = {name: kwargs.pop(name) for name in list(kwargs) if name in known}
        source = str(raw.get("source", "live")).lower()
        if source not in {"live", "replica"}:
            raise ArgumentError(f"-a source={source!r}: expected 'live' or 'replica'")
        base_url = raw.get("base_url") or None
        if base_url and not str(base_url).startswith(("http://", "https://")):
            raise ArgumentError(f"-a base_url={base_url!r}: expected an http:// or https:// URL")
        return cls(
            site=str(raw.get("site", "arabstoday")),
            source=source,
            base_url=str(base_url).rstrip("/") if base_url else None,
            sections=_key_list(raw.get("sections")),
            max_pages=_positive_int("max_pages", raw.get("max_pages")),
            since=_iso_date("since", raw.get("since")),
            limit=_positive_int("limit", raw.get("limit")),
            replica_articles=_positive_int("replica_articles", raw.get("replica_articles")) or 300,
            replica_seed=int(raw.get("replica_seed", 1)),
            replica_faults=str(raw["replica_faults"]) if raw.get("replica_faults") else None,
            state=str(raw["state"]) if raw.get("state") else None,
            full=_flag("full", raw.get("full", False)),
            **_discovery_arguments(raw, base_url),
        )


DISCOVERY_MODES = ("listings", "rss", "sitemap", "backfill")


def _discovery_arguments(raw: dict[str, Any], base_url: Any) -> dict[str, Any]:
    """``site``, ``discover``, ``until``, ``id_from``/``id_to`` and ``hosts``, checked together.

    Each combination that cannot mean anything is refused here, at start-up, with a message naming
    the argument: ``until`` bounds dated discoveries only, back-fill needs its id range, one
    ``base_url`` cannot serve several sites (``hosts`` maps each site instead).
    """
    from newscrawl.network import HostsError, parse_hosts
    from newscrawl.sites import sites_for

    site = str(raw.get("site", "arabstoday"))
    try:
        sites = sites_for(site)
    except KeyError as exc:
        raise ArgumentError(f"-a site={site!r}: {exc.args[0]}") from None
    discover = str(raw.get("discover", "listings")).strip().lower()
    if discover == "feeds":
        discover = "rss"
    if discover not in DISCOVERY_MODES:
        raise ArgumentError(f"-a discover={discover!r}: expected one of {', '.join(DISCOVERY_MODES)}")
    until = _iso_date("until", raw.get("until"))
    if until is not None and discover not in ("rss", "sitemap"):
        raise ArgumentError(f"-a until={raw.get('until')!r}: applies to discover=sitemap or discover=rss")
    id_from = _positive_int("id_from", raw.get("id_from"))
    id_to = _positive_int("id_to", raw.get("id_to"))
    if discover == "backfill" and (id_from is None or id_to is None):
        raise ArgumentError("-a discover=backfill: needs -a id_from=N and -a id_to=M (article ids)")
    if id_from is not None and id_to is not None and id_from > id_to:
        raise ArgumentError(f"-a id_from={id_from}: greater than -a id_to={id_to}")
    if (id_from is not None or id_to is not None) and discover != "backfill":
        raise ArgumentError("-a id_from/id_to: apply to discover=backfill only")
    if base_url and len(sites) > 1:
        raise ArgumentError(f"-a base_url={base_url!r}: one URL cannot serve {len(sites)} sites;"
                            " use -a hosts= (a JSON object: site key -> base URL or {base_url, mirrors})")
    try:
        hosts = parse_hosts(raw.get("hosts"))
    except HostsError as exc:
        raise ArgumentError(f"-a hosts=: {exc}") from None
    return {"discover": discover, "until": until, "id_from": id_from, "id_to": id_to, "hosts": hosts}
