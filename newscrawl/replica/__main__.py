"""``python -m newscrawl.replica``: serve a replica of the publisher until killed.

Prints exactly one line, ``Replica serving http://HOST:PORT/``, once the port is bound (so a test or
benchmark can read the real port chosen with ``--port 0``).
"""

from __future__ import annotations

import argparse
import sys

from newscrawl.replica.catalogue import OVERSIZED_BYTES, Catalogue
from newscrawl.replica.faults import DEFAULTS, FaultPlan, FaultSpecError, parse_faults
from newscrawl.replica.server import listen


def _fault_spec(text: str) -> FaultPlan:
    """argparse type of ``--faults``: a clear usage error for an unknown kind or a bad value."""
    try:
        return parse_faults(text)
    except FaultSpecError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m newscrawl.replica", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one (default)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--articles", type=int, default=1000, help="generated articles (plus the seed one)")
    parser.add_argument("--seed", type=int, default=0, help="content seed: same seed, same site")
    parser.add_argument("--per-page", type=int, default=20, help="entries per listing page")
    revisions = parser.add_argument_group("revisions (incremental crawls)")
    revisions.add_argument("--changed", type=int, default=0, metavar="K", help="base articles changed since")
    revisions.add_argument("--added", type=int, default=0, metavar="M", help="articles published since")
    faults = parser.add_argument_group("faults")
    defaults = ",".join(f"{k}={v:g}" for k, v in DEFAULTS.items())
    faults.add_argument(
        "--faults",
        type=_fault_spec,
        default=FaultPlan(),
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
    from twisted.internet import reactor  # the default reactor: this process is the replica only

    catalogue = Catalogue(
        articles=args.articles,
        seed=args.seed,
        per_page=args.per_page,
        changed=args.changed,
        added=args.added,
        faults=args.faults,
        fault_attempts=args.fault_attempts,
        slow_seconds=args.slow_seconds,
        oversized_bytes=args.oversized_bytes,
    )
    port = listen(catalogue, port=args.port, host=args.host)
    print(f"Replica serving http://{args.host}:{port.getHost().port}/", flush=True)
    reactor.run()  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
