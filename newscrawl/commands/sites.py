"""``scrapy sites``: the sites of the network the spider can crawl, with their hosts and brands.

    scrapy sites            one line per site: key, primary host, brand label, zone, sections
    scrapy sites --json     every definition's hosts, brand, zone, sections and discovery paths

``scrapy list`` lists the spider (one, ``arabstoday``); its ``-a site=<key>`` (or ``all``) picks
what it crawls from this list.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from scrapy.commands import ScrapyCommand

from newscrawl.sites import SITES, SiteDefinition


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
        "sections": [{"key": s.key, "id": s.id, "name": s.name, "kind": s.kind, "render": s.render}
                     for s in site.sections],
        "rss": list(site.rss_paths),
        "sitemap": site.sitemap_path,
        "article_by_id": site.article_by_id_path,
    }


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--json]"

    def short_desc(self) -> str:
        return "List the network's sites (-a site=<key>|all): keys, hosts, brand labels"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="every field of every definition, as JSON")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if opts.json:
            print(json.dumps([describe(s) for s in SITES.values()], ensure_ascii=False, indent=2))
            return
        width = max(len(key) for key in SITES)
        for site in SITES.values():
            host = site.base_url.split("://", 1)[-1]
            sections = ",".join(s.key for s in site.sections)
            print(f"{site.key:<{width}}  {host:<26} {site.brand} -  [{site.timezone}] {sections}")
