"""``scrapy sites``: the sites of the network the spider can crawl, with their hosts and brands.

    scrapy sites                    one line per site: key, primary host, brand label, zone, sections
    scrapy sites --json             every definition's hosts, brand, zone, sections and discovery paths
    scrapy sites -a site=KEY[,KEY]  only those sites (checked as the spider checks ``-a site=``)

``scrapy list`` lists the spider (one, ``arabstoday``); its ``-a site=<key>`` (or ``all``) picks
what it crawls from this list.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.conf import arglist_to_dict

from newscrawl.arguments import BY_NAME, ArgumentError, check_names
from newscrawl.sites import ALL_SITES, SiteDefinition


def describe(site: SiteDefinition) -> dict[str, Any]:
    """A site definition as data: what ``--json`` prints and the README table shows."""
    return {
        "key": site.key,
        "name": site.name,
        "brand": site.brand,
        "family": site.family_key,
        "base_url": site.base_url,
        "mirrors": list(site.mirrors),
        "timezone": site.timezone,
        "sections": [{"key": s.key, "id": s.id, "name": s.name, "kind": s.kind, "render": s.render,
                      "feed": site.section_feed_path(s)} for s in site.sections],
        "rss": list(site.rss_paths),
        "tag_rss": site.tag_rss_path,
        "sitemap": site.sitemap_path,
        "article_by_id": site.article_by_id_path,
    }


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--json] [-a site=KEY[,KEY…]|all]"

    def short_desc(self) -> str:
        return "List the network's sites (-a site=<key>|all): keys, hosts, brand labels"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="every field of every definition, as JSON")
        parser.add_argument("-a", dest="spargs", action="append", default=[], metavar="site=VALUE",
                            help="only these sites: a key, a comma list or all (the spider's -a site=)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise UsageError(f"unexpected argument {args[0]!r} (use -a site={args[0]})", print_help=False)
        sites = _selected(opts.spargs)
        if opts.json:
            print(json.dumps([describe(s) for s in sites], ensure_ascii=False, indent=2))
            return
        width = max(len(site.key) for site in sites)
        for site in sites:
            host = site.base_url.split("://", 1)[-1]
            sections = ",".join(s.key for s in site.sections)
            print(f"{site.key:<{width}}  {host:<26} {site.brand} -  [{site.timezone}] {sections}")


def _selected(spargs: list[str]) -> tuple[SiteDefinition, ...]:
    """The sites of ``-a site=`` (every site without it), checked as the crawl checks them."""
    try:
        values = arglist_to_dict(spargs)
    except ValueError:
        raise UsageError("Invalid -a value, use -a site=VALUE", print_help=False) from None
    try:
        check_names(values, allowed=["site"])
        site = BY_NAME["site"].read(values) if values.get("site") else ALL_SITES
    except ArgumentError as exc:
        raise UsageError(str(exc), print_help=False) from None
    from newscrawl.arguments import CrawlArguments

    return CrawlArguments(site=site).sites
