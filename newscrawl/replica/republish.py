"""Republication across the network: sites showing each other's stories under their own ids.

The live network republishes articles and columns across its sites (the same column is ``034806`` on
arabstoday.net and ``163131`` on a syria-24.com host). With a share > 0, the replica does too:

* Sites take the registry's order (:data:`newscrawl.sites.SITES`); a site's copies come from the sites
  before it, so «العرب اليوم», the first, publishes only originals and every story has one original.
* A share of each other site's generated articles (base and ``--added`` ones) are copies, each of an
  original of an earlier site: not a copy itself, not the seed article, news for news and a column
  for a column (the same writer), in a section listed without a browser.
* A copy keeps its own id, section, URL, dates, label, related list and footer, and takes the
  source's text: ``exact`` (title and body as they are), ``title`` (the site's own headline over the
  same body) or ``paragraph`` (a paragraph of the site's own added to the body).
* Decoys: a share of the originals end with one of a few standard paragraphs
  (:data:`~newscrawl.replica.corpus.BOILERPLATES`: agency terms, a disclaimer…), so many different
  stories share a paragraph and must still be told apart.

The manifest reports each article's ``story`` (the identity ``family:prefix/id`` of the story's
original), ``republished`` (kind and source of a copy, else null) and ``boilerplate``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from newscrawl.replica import corpus
from newscrawl.replica.faults import pick, unit
from newscrawl.sites import SITES
from newscrawl.sites.base import SiteDefinition

if TYPE_CHECKING:
    from newscrawl.replica.catalogue import Article, Catalogue, Head

KINDS = ("exact", "title", "paragraph")
#: Share of the originals (of every site) that end with a standard paragraph, when republishing.
BOILERPLATE_SHARE = 0.3


@dataclass(frozen=True)
class Copy:
    """Where a copy's text comes from, and how it was edited."""

    kind: str  # one of KINDS
    site: SiteDefinition  # the source's site
    head: Head  # the source as first published
    article: Article

    @property
    def story(self) -> str:
        """The identity of the story's original, as the crawler spells identities."""
        return f"{self.site.family_key}:{self.head.prefix}/{self.head.article_id}"


class Republication:
    """The republication plan of a network replica (see the module docstring).

    ``source`` builds the catalogue of a site (as the network serves it) when a copy needs one of
    its articles; catalogues are built once.
    """

    def __init__(self, share: float, seed: int, source: Callable[[SiteDefinition], Catalogue]) -> None:
        if not 0 <= share <= 1:
            raise ValueError("the republished share must be between 0 and 1")
        self.share = float(share)
        self.seed = seed
        self._source = source
        self._order = list(SITES)
        self._catalogues: dict[str, Catalogue] = {}
        self.copy = lru_cache(maxsize=4096)(self._copy)

    def _rank(self, site: SiteDefinition) -> int:
        """The site's place in the registry; -1 for a site outside it (it has no copies)."""
        return self._order.index(site.key) if site.key in self._order else -1

    def is_copy(self, site: SiteDefinition, index: int) -> bool:
        """Whether the ``index``-th generated article of ``site`` is a copy (no catalogue needed)."""
        if not self.share or self._rank(site) <= 0:
            return False
        return unit(self.seed, "republish", f"{site.key}|{index}") < self.share

    def boilerplate(self, cat: Catalogue, index: int) -> str | None:
        """The standard paragraph an original ends with, or None."""
        if not self.share or index == cat.seed_index or self.is_copy(cat.site, index):
            return None
        identity = f"{cat.site.key}|{index}"
        if unit(self.seed, "boilerplate", identity) >= BOILERPLATE_SHARE:
            return None
        return corpus.BOILERPLATES[pick(self.seed, "boilerplate-text", identity, len(corpus.BOILERPLATES))]

    def catalogue(self, site: SiteDefinition) -> Catalogue:
        if site.key not in self._catalogues:
            self._catalogues[site.key] = self._source(site)
        return self._catalogues[site.key]

    def _copy(self, cat: Catalogue, index: int) -> Copy | None:
        """The source of the ``index``-th article of ``cat``, or None for an original."""
        if index == cat.seed_index or not self.is_copy(cat.site, index):
            return None
        identity = f"{cat.site.key}|{index}"
        kind = KINDS[pick(self.seed, "republish-kind", identity, len(KINDS))]
        site = SITES[self._order[pick(self.seed, "republish-site", identity, self._rank(cat.site))]]
        source = self.catalogue(site)
        wanted = cat.section_at(index).kind
        start = pick(self.seed, "republish-source", identity, source.articles)
        for step in range(source.articles):
            j = (start + step) % source.articles
            section = source.section_at(j)
            if section.kind == wanted and not section.render and not self.is_copy(site, j):
                return Copy(kind, site, source.original_head(j), source.original_article(j))
        return None  # no original of that kind on the source site: an original here too


@dataclass(frozen=True)
class GroupingScore:
    """Pairwise precision and recall of a grouping: over pairs of records, "same story" predicted
    (the same ``story_id``) against true (the same ``story`` in the manifest)."""

    records: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0


def score_grouping(predicted: dict[str, str], truth: dict[str, str]) -> GroupingScore:
    """Score ``predicted`` (record key → story id) against ``truth`` (record key → true story) over
    the records of ``predicted``."""
    def pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
        members: dict[str, list[str]] = {}
        for key in sorted(predicted):
            members.setdefault(groups[key], []).append(key)
        return {(a, b) for group in members.values() for k, a in enumerate(group) for b in group[k + 1:]}

    got, want = pairs(predicted), pairs(truth)
    return GroupingScore(len(predicted), len(want), len(got), len(got & want))
