"""A local imitation of the publisher, served over HTTP for tests and benchmarks.

``Catalogue`` generates the content (deterministic from a seed, optionally revised by ``changed``/
``added`` and misbehaving per a ``FaultPlan``), ``pages`` renders it, the ``server`` routes requests and
injects the faults, and ``python -m newscrawl.replica`` runs it. See ``catalogue`` for how the seed
article is counted and the manifest for the ground truth a crawl is checked against.
"""

from newscrawl.replica.catalogue import Article, Catalogue, Head
from newscrawl.replica.faults import FaultPlan, FaultSpecError, parse_faults
from newscrawl.replica.server import ReplicaResource, ReplicaSite, listen

__all__ = [
    "Article",
    "Catalogue",
    "FaultPlan",
    "FaultSpecError",
    "Head",
    "ReplicaResource",
    "ReplicaSite",
    "listen",
    "parse_faults",
]
