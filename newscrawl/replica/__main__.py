"""``python -m newscrawl.replica``: serve a replica of the publisher until killed.

Prints ``Replica serving http://HOST:PORT/`` as its first line once the ports are bound (so a test or
benchmark can read the real port chosen with ``--port 0``), then one line per emulated site with its
primary and mirror URLs (``--site``, ``--mirrors``; the same as ``/__replica__/network.json``).
Its defaults are the embedded replica's (``scrapy crawl arabstoday -a source=replica``): the same
articles and seed, so both serve the same site. A port already in use is a one-line error (status 1).
"""

from __future__ import annotations

import argparse
import sys

from twisted.internet.error import CannotListenError

from newscrawl.arguments import BY_NAME
from newscrawl.replica.catalogue import OVERSIZED_BYTES
from newscrawl.replica.discovery import DiscoveryOptions
from newscrawl.replica.faults import DEFAULTS, FaultPlan, FaultSpecError, parse_faults
from newscrawl.replica.network import REPUBLISH_SHARE, ReplicaNetwork, serve
from newscrawl.sites import sites_for


def _fault_spec(text: str) -> FaultPlan:
    """argparse type of ``--faults``: a clear usage error for an unknown kind or a bad value."""
    try:
        return parse_faults(text)
    except FaultSpecError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m newscrawl.replica", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind")
    parser.add_argument("--articles", type=int, default=BY_NAME["replica_articles"].default,
                        help="generated articles (plus the seed one), as the embedded replica's")
    parser.add_argument("--seed", type=int, default=BY_NAME["replica_seed"].default,
                        help="content seed: same seed, same site; as the embedded replica's")
    parser.add_argument("--per-page", type=int, default=20, help="entries per listing page")
    revisions = parser.add_argument_group("revisions (incremental crawls)")
    revisions.add_argument("--changed", type=int, default=0, metavar="K", help="base articles changed since")
    revisions.add_argument("--added", type=int, default=0, metavar="M", help="articles published since")
    faults = parser.add_argument_group("faults")
    defaults = ",".join(f"{k}={v:g}" for k, v in DEFAULTS.items())
    faults.add_argument(
        "--faults",
        type=_fault_spec,
        default="none",
        metavar="SPEC",
        help=f"comma list of kind=rate, 'all' (= {defaults}) or 'none'; 'all,5xx=0.2' overrides one",
    )
    faults.add_argument(
        "--fault-attempts", type=int, default=2, metavar="N", help="transient faults hit the first N requests"
    )
    faults.add_argument("--slow-seconds", type=float, default=5.0, help="delay of a timeout fault")
    faults.add_argument(
        "--oversized-bytes", type=int, default=OVERSIZED_BYTES, help="padding of an oversized page"
    )
    network = parser.add_argument_group("network (newscrawl/replica/network.py)")
    network.add_argument("--site", default="arabstoday", metavar="KEY",
                         help="site(s) to emulate: a key, a comma list or 'all'; the first on --port, every"
                              " other on a free port (the mapping: /__replica__/network.json)")
    network.add_argument("--mirrors", type=int, default=0, metavar="N",
                         help="mirror hosts per site: free ports serving the same content, another label")
    network.add_argument("--copies", type=float, default=0.0, metavar="SHARE",
                         help="share of listed articles linked through a mirror or AMP copy (0 to 1)")
    network.add_argument("--republish", type=float, default=None, metavar="SHARE",
                         help="share of each site's articles that are copies of another site's stories"
                              f" (0 to 1; default {REPUBLISH_SHARE:g} with several sites, else 0)")
    feeds = parser.add_argument_group("discovery (newscrawl/replica/discovery.py)")
    feeds.add_argument("--rss-items", type=int, default=50, metavar="N", help="items of each RSS feed")
    feeds.add_argument("--gzip-sitemaps", action="store_true", help="the sitemap index links .xml.gz files")
    feeds.add_argument("--xml-attacks", action="store_true",
                       help="the sitemap index also links hostile documents (entities, bombs, malformed)")
    feeds.add_argument("--attack-bytes", type=int, default=DiscoveryOptions.attack_bytes, metavar="N",
                       help="inflated size of the gzip bomb and size of the huge sitemap")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.articles < 1 or args.per_page < 1:
        parser.error("--articles and --per-page must be positive")
    if not 0 <= args.changed <= args.articles or args.added < 0:
        parser.error("--changed must be between 0 and --articles, --added must not be negative")
    if args.fault_attempts < 0 or args.slow_seconds < 0 or args.oversized_bytes < 0:
        parser.error("--fault-attempts, --slow-seconds and --oversized-bytes must not be negative")
    try:
        sites_for(args.site)
    except KeyError as exc:
        parser.error(f"--site {args.site}: {exc.args[0]}")
    if args.mirrors < 0 or not 0 <= args.copies <= 1 or args.rss_items < 1 or args.attack_bytes < 1:
        parser.error("--mirrors must not be negative, --copies is a share from 0 to 1, --rss-items and"
                     " --attack-bytes must be positive")
    if args.republish is not None and not 0 <= args.republish <= 1:
        parser.error("--republish is a share from 0 to 1")
    from twisted.internet import reactor  # the default reactor: this process is the replica only

    options = DiscoveryOptions(rss_items=args.rss_items, gzip_sitemaps=args.gzip_sitemaps,
                               xml_attacks=args.xml_attacks, attack_bytes=args.attack_bytes)
    try:
        network = _serve(args, options)
    except CannotListenError as exc:
        reason = getattr(exc.socketError, "strerror", None) or exc.socketError
        print(f"{parser.prog}: error: cannot listen on {exc.interface or '0.0.0.0'}:{exc.port}: {reason}",
              file=sys.stderr)
        return 1
    print(f"Replica serving {network.url}/", flush=True)  # the first line: what tests and benchmarks read
    for served in network.sites:
        mirrors = "".join(f" mirror {url}/" for url in served.mirror_urls)
        print(f"  site {served.site.key} {served.primary.url}/{mirrors}", flush=True)
    reactor.run()  # type: ignore[attr-defined]
    return 0


def _serve(args: argparse.Namespace, options: DiscoveryOptions) -> ReplicaNetwork:
    return serve(
        args.site,
        articles=args.articles,
        seed=args.seed,
        mirrors=args.mirrors,
        copies=args.copies,
        republish=args.republish,
        options=options,
        host=args.host,
        port=args.port,
        per_page=args.per_page,
        changed=args.changed,
        added=args.added,
        faults=args.faults,
        fault_attempts=args.fault_attempts,
        slow_seconds=args.slow_seconds,
        oversized_bytes=args.oversized_bytes,
    )


if __name__ == "__main__":
    sys.exit(main())
