"""``python -m newscrawl.replica``: serve a replica of the publisher until killed.

Prints exactly one line, ``Replica serving http://HOST:PORT/``, once the port is bound (so a test or
benchmark can read the real port chosen with ``--port 0``).
"""

from __future__ import annotations

import argparse
import sys

from newscrawl.replica.catalogue import Catalogue
from newscrawl.replica.server import listen


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m newscrawl.replica", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one (default)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--articles", type=int, default=1000, help="generated articles (plus the seed one)")
    parser.add_argument("--seed", type=int, default=0, help="content seed: same seed, same site")
    parser.add_argument("--per-page", type=int, default=20, help="entries per listing page")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.articles < 1 or args.per_page < 1:
        print("--articles and --per-page must be positive", file=sys.stderr)
        return 2
    from twisted.internet import reactor  # the default reactor: this process is the replica only

    catalogue = Catalogue(articles=args.articles, seed=args.seed, per_page=args.per_page)
    port = listen(catalogue, port=args.port, host=args.host)
    print(f"Replica serving http://{args.host}:{port.getHost().port}/", flush=True)
    reactor.run()  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
