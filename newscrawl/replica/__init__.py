"""A local imitation of the publisher, served over HTTP for tests and benchmarks.

``Catalogue`` generates the content (deterministic from a seed), ``pages`` renders it, the
``server`` routes requests, and ``python -m newscrawl.replica`` runs it. See ``catalogue`` for
how the seed article is counted and the manifest for the ground truth a crawl is checked against.
"""

from newscrawl.replica.catalogue import Article, Catalogue, Head
from newscrawl.replica.server import ReplicaResource, ReplicaSite, listen

__all__ = ["Article", "Catalogue", "Head", "ReplicaResource", "ReplicaSite", "listen"]
