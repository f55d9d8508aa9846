"""The replica's content: a deterministic catalogue of articles, sections, listings and the manifest.

Pure Python, no Twisted. Memory stays small at any size: only per-article index arrays (section,
rank in section, per-section members) are built up front; an article's text is generated on demand
from ``(seed, index)``, the same every time, and a bounded cache keeps recently used ones.

Article ``index`` 0 is the newest generated article, ``articles - 1`` the oldest; the real article of
the seed file is one extra article at index ``articles`` (older than all of them): the *base* site
holds ``articles + 1`` articles and the manifest lists the seed article last.

Revisions (incremental crawls): ``added`` articles published after the base ones take the indices
``articles + 1 + p`` (``p`` 0 the first published, so the newest is last) and go on top of the listings;
``changed`` base articles get a later update stamp, half of them an edited body too. Faults (see
:mod:`newscrawl.replica.faults`) are decided here per article and per listing page, and reported in
the manifest so a test knows the exact expected export.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

from newscrawl.replica import corpus
from newscrawl.replica.faults import (
    BAD_DATE_KINDS,
    ENCODING_VARIANTS,
    ERROR_STATUSES,
    LISTING_TRANSIENT,
    MISSING_FIELDS,
    OFFSITE_BASE,
    TRANSIENT,
    FaultPlan,
    as_plan,
    pick,
    unit,
)
from newscrawl.sites import get_site
from newscrawl.sites.base import Section, SiteDefinition


class RepublishPlan(Protocol):
    """What a catalogue asks of a network's republication plan (:mod:`newscrawl.replica.republish`,
    which builds catalogues: it imports this module, never the other way round)."""

    share: float

    def copy(self, cat: Catalogue, index: int) -> Any: ...  # a republish.Copy, or None

    def boilerplate(self, cat: Catalogue, index: int) -> str | None: ...

#: Publication time of the newest generated article (the seed page's visit day).
NEWEST = datetime(2025, 4, 22, 10, 56, tzinfo=UTC)
#: The seed article: where it lives and its publisher stamps (its listing stamp is in the brief).
SEED_ARTICLE_ID = "095935"
SEED_SECTION_KEY = "syria"
SEED_SITE = "arabstoday"
SEED_PUBLISHED = datetime(2018, 6, 8, 12, 41, tzinfo=UTC)
MEAN_GAP_MINUTES = 30
#: Generated article ids are ``ID_BASE + step * k + jitter``: all above the seed's id, never equal.
ID_BASE = 100_000
ID_SPACE = 999_999 - ID_BASE
UPDATED_SHARE = 85  # percent of generated articles with an update stamp

_MASK = (1 << 64) - 1
_STRIDE = 2_147_483_647  # a prime: rank -> title combination is a bijection modulo any smaller size
# Salts of the per-article hashes, one per independent decision.
_S_SECTIONS, _S_TIME, _S_ID, _S_UPD, _S_UPD_FMT, _S_WRITER, _S_TEXT, _S_TITLE, _S_MOST = range(1, 10)
_S_ADDED, _S_CHANGED, _S_REVISION, _S_FAULTS, _S_REPUBLISH = range(10, 15)
#: Padding of an ``oversized`` article page (bytes, in an HTML comment).
OVERSIZED_BYTES = 12 * 1024 * 1024
#: Kinds of revision an article can have (the manifest's ``revision``).
#: The query of the tracking alias of a ``duplicate_urls`` article.
TRACKING_QUERY = "utm_source=facebook&utm_medium=social"
#: Listing stamps of the ``garbage`` kind of ``bad_dates`` that are words, not a date.
GARBAGE_STAMPS = ("منذ ساعتين", "تاريخ النشر غير متوفر", "GMT --:-- ---- , --")
#: Titles of the redirecting promo entries of listings (``redirect_offsite``, ``redirect_loop``).
PROMO_TITLES = (
    "عروض حصرية لقراء العرب اليوم هذا الأسبوع",
    "اكتشف أفضل وجهات السفر لصيف هذا العام",
    "شاهد الفيديو الذي يتحدث عنه الجميع الآن",
    "تطبيق جديد يغير طريقة متابعتك للأخبار",
)
PROMO_SUMMARY = "محتوى برعاية أحد شركائنا."


def _mix(*parts: int) -> int:
    """A 64-bit hash of integers (splitmix64 rounds): cheap per-article decisions in O(1)."""
    h = 0x9E3779B97F4A7C15
    for part in parts:
        h = (h + (part & _MASK) + 0x9E3779B97F4A7C15) & _MASK
        h = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        h = ((h ^ (h >> 27)) * 0x94D049BB133111EB) & _MASK
        h ^= h >> 31
    return h


# --- publisher formats ------------------------------------------------------------------------------
def listing_stamp(when: datetime) -> str:
    """The publisher's full stamp: ``GMT 10:18 2025 الثلاثاء ,22 إبريل / نيسان``."""
    egyptian, levantine = corpus.MONTHS[when.month - 1]
    weekday = corpus.WEEKDAYS[when.weekday()]
    return f"GMT {when:%H:%M} {when.year} {weekday} ,{when.day:02d} {egyptian} / {levantine}"


def update_stamp(when: datetime, spaced: bool) -> str:
    """The time-only update stamp: ``آخر تحديث GMT12:58:10`` (or ``GMT 12:58:10`` on some pages)."""
    return f"{corpus.UPDATE_PREFIX} GMT{' ' if spaced else ''}{when:%H:%M:%S}"


_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640]")  # harakat and tatweel
_NOT_WORD = re.compile(r"[\W_]+")


def slugify(title: str) -> str:
    """Arabic words of a title joined by ``-`` (diacritics, tatweel and punctuation dropped)."""
    return "-".join(_NOT_WORD.sub(" ", _DIACRITICS.sub("", title)).split())


# --- catalogue objects ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Writer:
    """A columnist of the opinion section: ``/w-<id>/…`` URLs carry the id."""

    id: str
    name: str

    @property
    def path(self) -> str:
        return f"/w-{self.id}"


@dataclass(frozen=True)
class Head:
    """What listings and links need of an article: cheap to build, no body text."""

    index: int
    article_id: str
    section: Section
    writer: Writer | None
    title: str
    published: datetime
    updated: datetime | None
    updated_raw: str | None

    @property
    def kind(self) -> str:
        return self.section.kind

    @property
    def prefix(self) -> str:
        """First path segment: the section id, or ``w-<writerId>`` for a column."""
        return f"w-{self.writer.id}" if self.writer else self.section.id

    @cached_property
    def slug(self) -> str:
        return slugify(self.title)

    @cached_property
    def path(self) -> str:
        """Canonical path, percent-encoded as browsers send it."""
        return quote(f"/{self.prefix}/{self.article_id}-{self.slug}", safe="/-")

    @cached_property
    def amp_path(self) -> str:
        return "/amp" + self.path

    @cached_property
    def listing_stamp(self) -> str:
        return listing_stamp(self.published)

    @property
    def thumb_path(self) -> str:
        return f"/uploads/thumbs/{self.article_id}.jpg"


@dataclass(frozen=True)
class RelatedItem:
    """One item of a related or latest-news list; ``path`` None when it links nowhere (``#``)."""

    title: str
    path: str | None
    stamp: str | None = None
    dateline: str | None = None  # the featured item of the seed's latest list


@dataclass(frozen=True)
class Article:
    """Everything a page of the article shows, and the truth the manifest reports."""

    head: Head
    subtitle: str | None
    author: str
    dateline: str | None  # the printed line, ``موسكو ـ ريتا مهنا`` (news)
    dateline_city: str | None
    byline: str | None  # the printed line, ``بقلم : name`` (opinion)
    image_path: str | None
    image_caption: str | None
    paragraphs: tuple[tuple[str, ...], ...]  # sentences of each paragraph
    summary: str
    related_heading: str | None
    related: tuple[RelatedItem, ...]
    ticker: tuple[Head, ...]
    header_date: bool
    is_seed: bool = False
    missing: str | None = None  # the field a ``missing_fields`` page lacks

    @property
    def body(self) -> tuple[str, ...]:
        """Paragraph texts as a reader (and the crawler) sees them."""
        return tuple(" ".join(sentences) for sentences in self.paragraphs)

    @property
    def related_after_form(self) -> bool:
        """The seed page shows its latest-news list after the comment form, as the real page did."""
        return self.is_seed


@dataclass(frozen=True)
class Chrome:
    """Site furniture taken from the seed page: comment form labels, network link, footer lines."""

    form_lines: tuple[str, ...]
    network_line: str
    footer_lines: tuple[str, ...]


@dataclass(frozen=True)
class ExtraEntry:
    """A listing entry that is no article of its own: an alias of one, or a redirecting promo link."""

    kind: str  # "duplicate_urls", "redirect_offsite" or "redirect_loop"
    href: str  # a path (an alias may be raw UTF-8), joined to the base URL when rendered
    title: str
    summary: str
    stamp: str
    thumb: str


@dataclass(frozen=True)
class Listing:
    """One page of a section listing, newest first, with the extra entries faults put in it."""

    section: Section
    page: int
    pages: int
    entries: tuple[Article, ...]
    inserts: tuple[tuple[int, ExtraEntry], ...] = ()  # (entries before it, entry) among the articles
    block: tuple[ExtraEntry, ...] = ()  # a "most read" block inside the list (aliases)
    trap: bool = False  # a pagination trap: a next link past the last page
    stamps: tuple[str, ...] = ()  # the printed stamp of each entry (bad_dates may garble one)


@dataclass(frozen=True)
class ArticleFaults:
    """The faults of one article, as the manifest reports them."""

    kinds: tuple[str, ...] = ()
    transient: str | None = None  # one of TRANSIENT, on the canonical URL
    status: int | None = None  # of a 5xx fault
    malformed: bool = False
    encoding: str | None = None  # how the windows-1256 page declares it (ENCODING_VARIANTS)
    aliases: tuple[str, ...] = ()  # extra paths linked from listings: utm query, trailing slash, raw slug
    missing: str | None = None  # one of MISSING_FIELDS
    bad_date: str | None = None  # one of BAD_DATE_KINDS
    bad_stamp: str | None = None  # the listing stamp printed instead of the true one
    oversized: bool = False

    @property
    def page_signature(self) -> str:
        """What of the faults changes the article page itself (part of its ETag)."""
        parts = ("malformed" if self.malformed else "", self.encoding or "", self.missing or "")
        return "|".join(parts) + ("|oversized" if self.oversized else "")


NO_FAULTS = ArticleFaults()


# --- the seed page ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SeedPage:
    """Fields of the real article page, parsed from the seed file's lines (kept verbatim)."""

    title: str
    updated_raw: str
    subtitle: str
    image_caption: str
    dateline: str
    dateline_city: str
    author: str
    paragraphs: tuple[str, ...]
    latest: tuple[RelatedItem, ...]
    chrome: Chrome


_SEPARATORS = (" ـ ", " - ", " _ ", " -")


def _split_dateline(line: str) -> tuple[str, str]:
    for sep in _SEPARATORS:
        city, found, author = line.partition(sep)
        if found:
            return city.strip(), author.strip()
    raise ValueError(f"not a dateline: {line!r}")


def _seed_text(path: Path | None) -> str:
    """The seed page's text: from ``path``, else from the package data (importlib.resources, so it
    is also found inside a zipped egg, as scrapyd deploys the project)."""
    if path is not None:
        return path.read_text(encoding="utf-8")
    from importlib.resources import files

    return files("newscrawl.replica").joinpath("data/seed_article.txt").read_text(encoding="utf-8")


def load_seed(path: Path | None = None) -> SeedPage:
    """Parse the seed page's visible text (see the brief for its top-to-bottom layout)."""
    lines = [line.strip() for line in _seed_text(path).splitlines()]
    lines = [line for line in lines if line]  # str.strip() also drops the NBSP-only lines
    title, updated_raw, _label, subtitle = lines[:4]
    caption, dateline = lines[7], lines[8]
    end_body = lines.index("arabstoday")
    end_form = lines.index("Security Code*")
    network = lines.index("syria-24")
    city, author = _split_dateline(dateline)
    # after the form: the title printed twice, the featured item (title, dateline), then stamp/title pairs
    featured = RelatedItem(title=lines[end_form + 2], path=None, dateline=lines[end_form + 3])
    pairs = lines[end_form + 4 : network]
    latest = (featured,) + tuple(
        RelatedItem(title=pairs[k + 1], path=None, stamp=pairs[k]) for k in range(0, len(pairs) - 1, 2)
    )
    return SeedPage(
        title=title,
        updated_raw=updated_raw,
        subtitle=subtitle,
        image_caption=caption,
        dateline=dateline,
        dateline_city=city,
        author=author,
        paragraphs=tuple(lines[9:end_body]),
        latest=latest,
        chrome=Chrome(
            form_lines=tuple(lines[end_body + 1 : end_form + 1]),
            network_line=lines[network],
            footer_lines=tuple(lines[network + 1 :]),
        ),
    )


# --- text generation ----------------------------------------------------------------------------------
class _Filler:
    """Fills sentence templates of one domain from its slot lists (then the shared ones)."""

    _NOT_LEAD = ("على صعيد", "وفي سياق", "وتابع", "وأخيرا", "ومن هنا", "فالمسألة", "وهذا ما", "ولعل")

    def __init__(self, domain: corpus.Domain) -> None:
        self.domain = domain
        self.slots = {**corpus.SHARED_SLOTS, "city": domain.cities, **domain.slots}
        self.templates = tuple(corpus.split_template(t) for t in domain.templates)
        self.leads = tuple(
            corpus.split_template(t) for t in domain.templates if not t.startswith(self._NOT_LEAD)
        )
        self.captions = tuple(corpus.split_template(t) for t in domain.captions)

    def fill(
        self,
        rng: random.Random,
        template: tuple[tuple[str, ...], tuple[str, ...]],
        used: dict[str, set[str]] | None = None,
    ) -> str:
        """Fill one template; ``used`` (per article) spreads slot values until a list is exhausted."""
        literals, names = template
        used = {} if used is None else used
        out = [literals[0]]
        for name, literal in zip(names, literals[1:], strict=True):
            choices = self.slots[name]
            taken = used.setdefault(name, set())
            if len(taken) >= len(choices):
                taken.clear()
            value = rng.choice(choices)
            while value in taken:
                value = rng.choice(choices)
            taken.add(value)
            out.append(value)
            out.append(literal)
        return "".join(out)

    def sentences(self, rng: random.Random, count: int) -> list[str]:
        """``count`` distinct sentences; templates are dealt like a deck so an article varies them.

        The first sentence is a lead: no connective (``على صعيد آخر``…), no leading ``و``.
        """
        used: dict[str, set[str]] = {}
        lead = self.fill(rng, rng.choice(self.leads), used)
        if lead.startswith("و"):
            lead = lead[1:]
        out = [lead]
        seen = {lead, "و" + lead}
        deck: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
        misses = 0
        while len(out) < count:
            if not deck:
                deck = rng.sample(self.templates, len(self.templates))
            sentence = self.fill(rng, deck.pop(), used)
            if sentence in seen and misses < 50:
                misses += 1
                continue
            seen.add(sentence)
            out.append(sentence)
        return out


class _TitleSpace:
    """A bijection from an article's rank in its section to a distinct title of that section."""

    def __init__(
        self,
        lists: tuple[tuple[Any, ...], ...],
        offset: int,
        render: Callable[[list[Any]], str],
        prefix: str,
    ) -> None:
        self.lists = lists
        self.size = math.prod(len(items) for items in lists)
        self.offset = offset % self.size
        self.render = render
        self.prefix = prefix

    def title(self, rank: int) -> str:
        x = (rank * _STRIDE + self.offset) % self.size
        picks = []
        for items in self.lists:
            x, digit = divmod(x, len(items))
            picks.append(items[digit])
        title = self.prefix + self.render(picks)
        lap = rank // self.size
        return f"{title} ({lap + 1})" if lap else title


def _news_title(picks: list[Any]) -> str:
    (actor, feminine), verbs, topic, place, qualifier = picks
    words = (actor, verbs[1] if feminine else verbs[0], topic, place, qualifier)
    return " ".join(w for w in words if w)


def _opinion_title(picks: list[Any]) -> str:
    return " ".join(picks)


# --- the catalogue ------------------------------------------------------------------------------------
class Catalogue:
    """Deterministic content of a replica: ``articles`` generated ones plus the seed article.

    Everything is a function of ``(seed, index)``; ``per_page`` only shapes the listings. Keyword
    options: ``changed``/``added`` revise the base site (incremental crawls); ``faults`` (a spec such
    as ``"all,5xx=0.2"`` or a :class:`FaultPlan`) with ``fault_attempts``, ``slow_seconds`` and
    ``oversized_bytes`` make it misbehave; ``republish`` (a network's plan) makes some articles copies
    of other sites' stories. Options may be given as strings (a spider's ``-a``).
    """

    def __init__(
        self,
        articles: int,
        seed: int,
        per_page: int = 20,
        site: SiteDefinition | None = None,
        cache_size: int = 4096,
        *,
        changed: int | str = 0,
        added: int | str = 0,
        faults: str | FaultPlan | None = None,
        fault_attempts: int | str = 2,
        slow_seconds: float | str = 5.0,
        oversized_bytes: int | str = OVERSIZED_BYTES,
        republish: RepublishPlan | None = None,
    ) -> None:
        articles, seed, per_page = int(articles), int(seed), int(per_page)
        changed, added, fault_attempts = int(changed), int(added), int(fault_attempts)
        if articles < 1:
            raise ValueError("articles must be at least 1")
        if per_page < 1:
            raise ValueError("per_page must be at least 1")
        if not 0 <= changed <= articles:
            raise ValueError(f"changed must be between 0 and articles ({articles})")
        if added < 0 or fault_attempts < 0:
            raise ValueError("added and fault_attempts must not be negative")
        self.site = site or get_site("arabstoday")
        self.articles = articles
        self.seed = seed
        self.per_page = per_page
        self.added = added
        self.plan = as_plan(faults)
        self.republish = republish if republish is not None and republish.share else None
        self.faulty = bool(self.plan)  # any fault at all (checked per article: kept a plain bool)
        self.fault_attempts = fault_attempts
        self.slow_seconds = float(slow_seconds)
        self.oversized_bytes = int(oversized_bytes)
        if self.slow_seconds < 0 or self.oversized_bytes < 0:
            raise ValueError("slow_seconds and oversized_bytes must not be negative")
        self.sections: tuple[Section, ...] = tuple(self.site.sections)
        self.writers: tuple[Writer, ...] = tuple(Writer(i, n) for i, n in corpus.WRITERS)
        self.seed_page = load_seed()
        self.chrome = self.seed_page.chrome
        self.seed_index = articles
        self.base_total = articles + 1
        self.total = self.base_total + added
        self._section_index = {s.key: k for k, s in enumerate(self.sections)}
        self._by_id = {s.id: k for k, s in enumerate(self.sections) if s.kind != "opinion"}
        # the real article lives in «سورية»; a sister site without that section shows it in its first one
        self._seed_section = self._section_index.get(SEED_SECTION_KEY, 0)
        # timing: a closed form keeps every article O(1) and listings strictly ordered
        span = int((NEWEST - SEED_PUBLISHED).total_seconds() // 60) - 24 * 60
        self._gap = max(1, min(MEAN_GAP_MINUTES, span // articles))
        self._id_step = max(1, min(7, ID_SPACE // articles))
        self._build_index()
        self._titles = [self._title_space(k, s) for k, s in enumerate(self.sections)]
        self._fillers: dict[str, _Filler] = {}
        self.head = lru_cache(maxsize=cache_size)(self._head)
        self.article = lru_cache(maxsize=cache_size)(self._article)
        self.article_faults = lru_cache(maxsize=cache_size)(self._article_faults)
        self._static: tuple[int, ...] | None = None
        self._revisions = self._choose_changed(changed)
        self._plan_faults()

    # -- index arrays ---------------------------------------------------------------------------------
    def _build_index(self) -> None:
        """Spread the generated articles evenly over the sections, in a seed-shuffled order.

        Added articles pick a section each from ``(seed, p)`` and take the next title ranks of it, so
        the first ``m`` of ``--added n`` are the articles of ``--added m``.
        """
        n_sections = len(self.sections)
        order = [k % n_sections for k in range(self.articles)]
        random.Random(_mix(self.seed, _S_SECTIONS)).shuffle(order)
        order.append(self._seed_section)
        self._section_of = bytes(order)
        self._rank = array("I", bytes(4 * self.base_total))
        members = [array("I") for _ in self.sections]
        for index, section in enumerate(order):
            self._rank[index] = len(members[section])
            members[section].append(index)
        self._base_members = members
        self._added_section = bytes(_mix(self.seed, _S_ADDED, p) % n_sections for p in range(self.added))
        self._added_rank = array("I", bytes(4 * self.added))  # title rank: after the base ones
        self._added_pos = array("I", bytes(4 * self.added))  # position in its section, newest first
        counts = [len(m) for m in members]
        for p in range(self.added):
            self._added_rank[p] = counts[self._added_section[p]]
            counts[self._added_section[p]] += 1
        fresh = [array("I") for _ in self.sections]
        for p in range(self.added - 1, -1, -1):
            section = self._added_section[p]
            self._added_pos[p] = len(fresh[section])
            fresh[section].append(self.base_total + p)
        self._members = [f + b for f, b in zip(fresh, members, strict=True)] if self.added else members

    def _title_space(self, k: int, section: Section) -> _TitleSpace:
        offset = _mix(self.seed, k, _S_TITLE)
        if section.kind == "opinion":
            lists = (
                corpus.OPINION_OPENERS,
                corpus.OPINION_NOUNS,
                corpus.OPINION_SUBJECTS,
                corpus.OPINION_TAILS,
            )
            return _TitleSpace(lists, offset, _opinion_title, "")
        parts = corpus.TITLES.get(section.key)
        prefix = ""
        if parts is None:  # a section without its own material: its name keeps its titles distinct
            parts, prefix = corpus.TITLES[corpus.FALLBACK_DOMAIN], f"{section.name}: "
        lists = (parts.actors, parts.verbs, parts.topics, parts.places, corpus.QUALIFIERS)
        return _TitleSpace(lists, offset, _news_title, prefix)

    def _filler(self, section: Section) -> _Filler:
        if section.kind == "opinion":
            key = "opinion"
        else:
            key = section.key if section.key in corpus.DOMAINS else corpus.FALLBACK_DOMAIN
        if key not in self._fillers:
            domain = corpus.OPINION_DOMAIN if key == "opinion" else corpus.DOMAINS[key]
            self._fillers[key] = _Filler(domain)
        return self._fillers[key]

    # -- lookups --------------------------------------------------------------------------------------
    def section(self, key: str) -> Section:
        return self.sections[self._section_index[key]]

    def section_by_id(self, section_id: str) -> Section | None:
        k = self._by_id.get(section_id)
        return None if k is None else self.sections[k]

    @property
    def opinion_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.kind == "opinion")

    def writer(self, writer_id: str) -> Writer | None:
        return next((w for w in self.writers if w.id == writer_id), None)

    def members(self, section: Section) -> array:
        """Indices of the section's articles, newest first (added ones on top)."""
        return self._members[self._section_index[section.key]]

    def pages(self, section: Section) -> int:
        return max(1, math.ceil(len(self.members(section)) / self.per_page))

    def index_at(self, position: int) -> int:
        """The index of the article at ``position`` of the manifest (newest first, seed last)."""
        if position < self.added:
            return self.base_total + self.added - 1 - position
        return position - self.added

    def section_at(self, index: int) -> Section:
        """The section of the article at ``index``."""
        return self.sections[self._section_k(index)]

    def copy_source(self, index: int) -> Any:
        """Where the article at ``index`` was republished from, or None for an original."""
        return self.republish.copy(self, index) if self.republish else None

    def original_head(self, index: int) -> Head:
        """The head as first published (what another site republishes)."""
        return self._base_head(index)

    def original_article(self, index: int) -> Article:
        """The article as first published, with no revision or fault (what another site republishes)."""
        return self._compose(self._base_head(index))

    def _writer_of(self, index: int) -> Writer:
        """The writer of an opinion column: a republished column keeps its writer."""
        copy = self.copy_source(index)
        if copy is not None and copy.head.writer is not None:
            return copy.head.writer
        return self.writers[_mix(self.seed, index, _S_WRITER) % len(self.writers)]

    def _section_k(self, index: int) -> int:
        if index < self.base_total:
            return self._section_of[index]
        return self._added_section[index - self.base_total]

    def article_id(self, index: int) -> str:
        if index == self.seed_index:
            return SEED_ARTICLE_ID
        step = self._id_step
        k = self.articles - 1 - index if index < self.articles else index - 1  # added: after the base
        return f"{ID_BASE + step * k + _mix(self.seed, index, _S_ID) % step:06d}"

    def index_of(self, article_id: str) -> int | None:
        """Index of an article id (``095935``), or None: O(1), ids are strictly monotonic in index."""
        if not article_id.isdigit():
            return None
        if int(article_id) == int(SEED_ARTICLE_ID):
            return self.seed_index
        k = (int(article_id) - ID_BASE) // self._id_step
        if k < 0:
            return None
        index = self.articles - 1 - k if k < self.articles else k + 1
        if 0 <= index < self.total and index != self.seed_index:
            if int(self.article_id(index)) == int(article_id):
                return index
        return None

    def find(self, prefix: str, article_id: str) -> Head | None:
        """The article at ``/<prefix>/<article_id>-…``, or None (unknown id or wrong section/writer)."""
        index = self.index_of(article_id)
        if index is None:
            return None
        head = self.head(index)
        return head if head.prefix == prefix else None

    # -- generation -----------------------------------------------------------------------------------
    def published(self, index: int) -> datetime:
        """``NEWEST − index·gap − jitter``, jitter < gap/2: strictly decreasing in index, whole minutes.

        An added article ``p`` is ``NEWEST + (p+1)·gap − jitter``: after every base article.
        """
        jitter = _mix(self.seed, index, _S_TIME) % max(1, self._gap // 2)
        if index > self.seed_index:
            return NEWEST + timedelta(minutes=(index - self.seed_index) * self._gap - jitter)
        return NEWEST - timedelta(minutes=index * self._gap + jitter)

    def _base_head(self, index: int) -> Head:
        """The head as first published (no revision, no fault)."""
        if index == self.seed_index:
            return self._seed_head()
        if not 0 <= index < self.total:
            raise IndexError(index)
        section_k = self._section_k(index)
        section = self.sections[section_k]
        writer = self._writer_of(index) if section.kind == "opinion" else None
        published = self.published(index)
        updated = updated_raw = None
        if _mix(self.seed, index, _S_UPD) % 100 < UPDATED_SHARE:
            end_of_day = published.replace(hour=23, minute=59, second=59)
            room = min(6 * 3600, int((end_of_day - published).total_seconds()))
            updated = published + timedelta(seconds=_mix(self.seed, index, _S_UPD, 1) % (room + 1))
            updated_raw = self.update_stamp(updated, spaced=_mix(self.seed, index, _S_UPD_FMT) % 5 == 0)
        rank = self._rank[index] if index < self.base_total else self._added_rank[index - self.base_total]
        title = self._titles[section_k].title(rank)
        copy = self.copy_source(index)
        if copy is not None and copy.kind != "title":  # "title": the site's own headline over the text
            title = copy.head.title
        return Head(
            index=index,
            article_id=self.article_id(index),
            section=section,
            writer=writer,
            title=title,
            published=published,
            updated=updated,
            updated_raw=updated_raw,
        )

    def _revised_head(self, index: int) -> Head:
        """The head after its revision: a changed article has a later update stamp (same day)."""
        head = self._base_head(index)
        if index not in self._revisions:
            return head
        old = head.updated or head.published
        room = int(min(6 * 3600, self._update_room(head)))
        new = old + timedelta(seconds=60 + _mix(self.seed, index, _S_REVISION) % (room - 59))
        if head.updated_raw:
            spaced = "GMT " in head.updated_raw
        else:
            spaced = _mix(self.seed, index, _S_UPD_FMT) % 5 == 0
        return replace(head, updated=new, updated_raw=self.update_stamp(new, spaced))

    def update_stamp(self, when: datetime, spaced: bool) -> str:
        """The site's update stamp: GMT (``آخر تحديث GMT12:58:10``), or local time naming its zone
        where the site prints one (emiratesvoice: ``آخر تحديث 21:44:11 بتوقيت أبوظبي``)."""
        label = self.site.update_zone_label
        if not label:
            return update_stamp(when, spaced)
        local = when.astimezone(ZoneInfo(self.site.timezone))
        return f"{corpus.UPDATE_PREFIX} {local:%H:%M:%S} بتوقيت {label}"

    def _head(self, index: int) -> Head:
        head = self._revised_head(index)
        if self.faulty and self.article_faults(index).missing == "updated":
            return replace(head, updated=None, updated_raw=None)
        return head

    def _seed_head(self) -> Head:
        page = self.seed_page
        stamp = page.updated_raw.rsplit("GMT", 1)[1].strip()
        hour, minute, second = (int(x) for x in stamp.split(":"))
        return Head(
            index=self.seed_index,
            article_id=SEED_ARTICLE_ID,
            section=self.sections[self._seed_section],
            writer=None,
            title=page.title,
            published=SEED_PUBLISHED,
            updated=SEED_PUBLISHED.replace(hour=hour, minute=minute, second=second),
            updated_raw=page.updated_raw,
        )

    def _article(self, index: int) -> Article:
        art = self._compose(self.head(index))
        missing = self.article_faults(index).missing if self.faulty else None
        if missing == "subtitle":
            art = replace(art, subtitle=None)
        elif missing == "image":
            art = replace(art, image_path=None, image_caption=None)
        elif missing == "dateline":
            art = replace(art, dateline=None, dateline_city=None)
        return replace(art, missing=missing) if missing else art

    def _front(self, head: Head, rng: random.Random, filler: _Filler) -> dict[str, str | None]:
        """The first draws of an article: subtitle, image, dateline or byline (see :meth:`_features`)."""
        front: dict[str, str | None] = dict.fromkeys(("dateline", "city", "byline", "image", "caption"))
        if head.writer is not None:
            front["subtitle"] = rng.choice(corpus.OPINION_SUBTITLES) if rng.random() < 0.5 else None
            front["author"] = head.writer.name
            front["byline"] = rng.choice(corpus.BYLINES).format(name=head.writer.name)
            return front
        front["subtitle"] = rng.choice(filler.domain.subtitles) if rng.random() < 0.95 else None
        if rng.random() < 0.92:
            front["image"] = f"/uploads/images/{head.article_id}.jpg"
            front["caption"] = filler.fill(rng, rng.choice(filler.captions))
        front["city"], front["author"] = self._dateline_parts(rng, filler)
        separators, weights = zip(*corpus.DATELINE_SEPARATORS, strict=True)
        front["dateline"] = f"{front['city']}{rng.choices(separators, weights)[0]}{front['author']}"
        return front

    def _features(self, index: int) -> set[str]:
        """Which of :data:`MISSING_FIELDS` the (revised) article has, without building it."""
        head = self._revised_head(index)
        found = {"updated"} if head.updated_raw else set()
        if index == self.seed_index:
            return found | {"subtitle", "image", "dateline"}
        if self.copy_source(index) is not None:  # the source's front
            art = self._compose(head)
            present = {"subtitle": art.subtitle, "image": art.image_path, "dateline": art.dateline}
            return found | {name for name, value in present.items() if value}
        front = self._front(head, random.Random(_mix(self.seed, index, _S_TEXT)), self._filler(head.section))
        return found | {name for name in ("subtitle", "image", "dateline") if front[name]}

    def _compose(self, head: Head) -> Article:
        """The full article of ``head`` (its revision applied, no fault)."""
        index = head.index
        if index == self.seed_index:
            return self._seed_article(head)
        rng = random.Random(_mix(self.seed, index, _S_TEXT))
        filler = self._filler(head.section)
        front = self._front(head, rng, filler)
        sizes = [rng.randint(2, 5) for _ in range(rng.randint(4, 12))]
        sentences = filler.sentences(rng, sum(sizes))
        paragraphs, start = [], 0
        for size in sizes:
            paragraphs.append(tuple(sentences[start : start + size]))
            start += size
        heading, related = None, ()
        if rng.random() < 0.5:
            heading = rng.choice(corpus.RELATED_HEADINGS)
            related = self._related(head, rng.randint(3, 6), stamps=rng.random() < 0.5)
        ticker = ()
        if rng.random() < 0.2:
            ticker = tuple(self.head(j) for j in range(min(8, self.articles)) if j != index)[:6]
        art = Article(
            head=head,
            subtitle=front["subtitle"],
            author=front["author"] or "",
            dateline=front["dateline"],
            dateline_city=front["city"],
            byline=front["byline"],
            image_path=front["image"],
            image_caption=front["caption"],
            paragraphs=tuple(paragraphs),
            summary=sentences[0],
            related_heading=heading,
            related=related,
            ticker=ticker,
            header_date=rng.random() < 0.4,
        )
        copy = self.copy_source(index)
        if copy is not None:
            art = self._as_copy(art, copy, filler)
        elif self.republish and (boilerplate := self.republish.boilerplate(self, index)):
            art = replace(art, paragraphs=art.paragraphs + ((boilerplate,),))
        revision = self._revisions.get(index)
        if revision and revision[0] == "changed_content":
            art = self._revise_content(art, filler, revision[1])
        return art

    def _as_copy(self, art: Article, copy: Any, filler: _Filler) -> Article:
        """``art`` (this site's own page: id, dates, related list…) carrying the source's text; a
        ``paragraph`` copy has a paragraph of this site's added after one of the source's."""
        source = copy.article
        paragraphs = source.paragraphs
        if copy.kind == "paragraph":
            rng = random.Random(_mix(self.seed, art.head.index, _S_REPUBLISH))
            added = tuple(filler.sentences(rng, rng.randint(2, 4)))
            at = rng.randint(1, len(paragraphs))
            paragraphs = paragraphs[:at] + (added,) + paragraphs[at:]
        image = f"/uploads/images/{art.head.article_id}.jpg" if source.image_path else None
        return replace(art, subtitle=source.subtitle, author=source.author, dateline=source.dateline,
                       dateline_city=source.dateline_city, byline=source.byline, image_path=image,
                       image_caption=source.image_caption, paragraphs=paragraphs, summary=source.summary)

    def _revise_content(self, art: Article, filler: _Filler, ordinal: int) -> Article:
        """A content change: a sentence appended to the last paragraph (every other one: new subtitle)."""
        rng = random.Random(_mix(self.seed, art.head.index, _S_REVISION, 1))
        existing = {s for p in art.paragraphs for s in p}
        sentence = filler.fill(rng, rng.choice(filler.templates))
        for _ in range(50):
            if sentence not in existing:
                break
            sentence = filler.fill(rng, rng.choice(filler.templates))
        paragraphs = art.paragraphs[:-1] + (art.paragraphs[-1] + (sentence,),)
        subtitle = art.subtitle
        if ordinal % 4 == 2:
            choices = corpus.OPINION_SUBTITLES if art.head.writer else filler.domain.subtitles
            subtitle = rng.choice([c for c in choices if c != subtitle])
        return replace(art, paragraphs=paragraphs, subtitle=subtitle)

    @staticmethod
    def _dateline_parts(rng: random.Random, filler: _Filler) -> tuple[str, str]:
        roll = rng.random()
        if roll < 0.05:
            return rng.choice(corpus.SISTER_CITIES), corpus.SISTER_BRAND
        city = rng.choice(filler.domain.cities)
        if roll < 0.6:
            return city, rng.choice(corpus.PERSONS)
        if roll < 0.8:
            return city, rng.choice(corpus.AGENCIES)
        return city, corpus.BRAND

    def _related(self, head: Head, count: int, stamps: bool) -> tuple[RelatedItem, ...]:
        """Older articles of the same section (newer ones when too few are older).

        A base article only picks base articles, so added ones never change what it shows.
        """
        section_k = self._section_index[head.section.key]
        if head.index < self.base_total:
            members, rank = self._base_members[section_k], self._rank[head.index]
        else:
            members, rank = self._members[section_k], self._added_pos[head.index - self.base_total]
        picks = [members[r] for r in range(rank + 1, min(len(members), rank + 1 + count))]
        picks += [members[r] for r in range(rank - 1, -1, -1)][: count - len(picks)]
        items = []
        for j in picks:
            other = self.head(j)
            items.append(RelatedItem(other.title, other.path, other.listing_stamp if stamps else None))
        return tuple(items)

    def _seed_article(self, head: Head) -> Article:
        page = self.seed_page
        return Article(
            head=head,
            subtitle=page.subtitle,
            author=page.author,
            dateline=page.dateline,
            dateline_city=page.dateline_city,
            byline=None,
            image_path=f"/uploads/images/{SEED_ARTICLE_ID}.jpg",
            image_caption=page.image_caption,
            paragraphs=tuple((p,) for p in page.paragraphs),
            summary=page.subtitle,
            related_heading=None,
            related=page.latest,
            ticker=(),
            header_date=True,
            is_seed=True,
        )

    # -- revisions ------------------------------------------------------------------------------------
    def revision(self, index: int) -> str:
        """``base``, ``changed_content``, ``changed_stamp`` or ``added``."""
        if index > self.seed_index:
            return "added"
        found = self._revisions.get(index)
        return found[0] if found else "base"

    @staticmethod
    def _update_room(head: Head) -> float:
        """Seconds left in the article's day after its last stamp: room for a later update stamp."""
        end_of_day = head.published.replace(hour=23, minute=59, second=59)
        return (end_of_day - (head.updated or head.published)).total_seconds()

    def _choose_changed(self, count: int) -> dict[int, tuple[str, int]]:
        """``count`` base articles to change: ``{index: (kind, ordinal)}``, kinds alternating.

        Sections take turns in a seed-shuffled order and give a random article each (one with room
        for a later stamp the same day), so ``--changed 2`` picks the first two of ``--changed 4``.
        """
        chosen: dict[int, tuple[str, int]] = {}
        if not count:
            return chosen
        rng = random.Random(_mix(self.seed, _S_CHANGED))
        pools = [[i for i in members if i != self.seed_index] for members in self._base_members]
        order = [k for k, pool in enumerate(pools) if pool]
        rng.shuffle(order)
        turn = 0
        while len(chosen) < count and order:
            k = order[turn % len(order)]
            pool = pools[k]
            slot = rng.randrange(len(pool))
            pool[slot], pool[-1] = pool[-1], pool[slot]
            index = pool.pop()
            if not pool:
                order.remove(k)
            else:
                turn += 1
            if self._update_room(self._base_head(index)) >= 120:
                kind = "changed_content" if len(chosen) % 2 == 0 else "changed_stamp"
                chosen[index] = (kind, len(chosen))
        return chosen

    @property
    def changed(self) -> int:
        return len(self._revisions)

    def etag(self, index: int) -> str:
        """The quoted ETag of an article page: a hash of its content version (revision, page faults)."""
        head = self.head(index)
        signature = self.article_faults(index).page_signature if self.faulty else ""
        version = "seed" if index == self.seed_index else f"{self.seed}|{self.articles}"  # the seed: fixed
        raw = f"{version}|{head.article_id}|{self.revision(index)}|{signature}"
        return '"' + hashlib.blake2b(raw.encode(), digest_size=8).hexdigest() + '"'

    def last_modified(self, index: int) -> datetime:
        """When the article last changed: its (revised) update time, else its publication."""
        head = self._revised_head(index)
        return head.updated or head.published

    # -- faults ---------------------------------------------------------------------------------------
    _ARTICLE_KINDS = (*TRANSIENT, "malformed", "encoding", "duplicate_urls", "missing_fields", "bad_dates")
    _LISTED_KINDS = ("duplicate_urls", "bad_dates")  # shown by listings: not in client-side sections

    def _plan_faults(self) -> None:
        """Pick what the counted kinds pick, and one article (listing page) per kind when rates are low.

        A kind with a rate in (0, 1) hits every item whose die falls below the rate, plus one *forced*
        base article (or listing page) so that even a small replica shows every kind it was asked for.
        Forced articles are distinct and never oversized; all picks ignore ``--added``/``--changed``.
        """
        plan, generated = self.plan, self.articles
        rng = random.Random(_mix(self.seed, _S_FAULTS))
        self._oversized = frozenset(rng.sample(range(generated), plan.count("oversized", generated)))
        filled = [k for k in self._static_sections() if len(self._members[k])]
        trapped = rng.sample(filled, plan.count("pagination_trap", len(filled)))
        self._trapped = frozenset(self.sections[k].key for k in trapped)
        self._forced: dict[str, int] = {}
        used = set(self._oversized)
        for kind in self._ARTICLE_KINDS:
            if not 0 < plan.rate(kind) < 1:
                continue
            start = pick(self.seed, kind, "forced", generated)
            for step in range(generated):
                index = (start + step) % generated
                if index in used or (kind == "missing_fields" and not self._features(index)):
                    continue
                if kind in self._LISTED_KINDS and self._section_k(index) not in self._static_sections():
                    continue
                self._forced[kind] = index
                used.add(index)
                break
        self._forced_listing: dict[str, str] = {}
        keys = [self.listing_key(s, p) for s, p in self.listing_pages()]
        for kind in ("redirect_offsite", "redirect_loop"):
            if 0 < plan.rate(kind) < 1:
                self._forced_listing[kind] = keys[pick(self.seed, kind, "forced", len(keys))]

    def _static_sections(self) -> tuple[int, ...]:
        """Sections whose listings are served as HTML by this catalogue's pages (not client-side)."""
        if self._static is None:
            self._static = tuple(k for k, s in enumerate(self.sections) if not getattr(s, "render", False))
        return self._static

    def _hit(self, kind: str, identity: str, forced: bool) -> bool:
        rate = self.plan.rate(kind)
        return rate > 0 and (forced or rate >= 1 or unit(self.seed, kind, identity) < rate)

    def _article_faults(self, index: int) -> ArticleFaults:
        """The faults of one article, from ``(seed, kind, article id)`` (cached as ``article_faults``)."""
        if not self.faulty:
            return NO_FAULTS
        head = self._base_head(index)
        aid = head.article_id

        def hit(kind: str) -> bool:
            return self._hit(kind, aid, self._forced.get(kind) == index)

        oversized = index in self._oversized
        transient = None if oversized else next((k for k in TRANSIENT if hit(k)), None)
        listed = self._section_k(index) in self._static_sections()  # listing faults need HTML listings
        status = ERROR_STATUSES[pick(self.seed, "5xx-status", aid, len(ERROR_STATUSES))]
        missing = None
        if hit("missing_fields"):
            present = self._features(index)
            start = pick(self.seed, "missing_fields-field", aid, len(MISSING_FIELDS))
            rotated = MISSING_FIELDS[start:] + MISSING_FIELDS[:start]
            missing = next((f for f in rotated if f in present), None)
        bad_date, bad_stamp = self._bad_stamp(head) if listed and hit("bad_dates") else (None, None)
        encoding = ENCODING_VARIANTS[pick(self.seed, "encoding-variant", aid, len(ENCODING_VARIANTS))]
        found = ArticleFaults(
            transient=transient,
            status=status if transient == "5xx" else None,
            malformed=hit("malformed"),
            encoding=encoding if hit("encoding") else None,
            aliases=self._aliases(head) if listed and hit("duplicate_urls") else (),
            missing=missing,
            bad_date=bad_date,
            bad_stamp=bad_stamp,
            oversized=oversized,
        )
        active = {
            "malformed": found.malformed,
            "encoding": found.encoding is not None,
            "duplicate_urls": bool(found.aliases),
            "missing_fields": missing is not None,
            "bad_dates": bad_date is not None,
            "oversized": oversized,
        }
        kinds = tuple(k for k in self._ARTICLE_KINDS + ("oversized",) if k == transient or active.get(k))
        return replace(found, kinds=kinds)

    @staticmethod
    def _aliases(head: Head) -> tuple[str, ...]:
        """Other paths of the same page: tracking query, trailing slash, raw (not encoded) Arabic slug."""
        return (f"{head.path}?{TRACKING_QUERY}", f"{head.path}/", unquote(head.path))

    def _bad_stamp(self, head: Head) -> tuple[str, str]:
        """``(kind, printed stamp)`` of a ``bad_dates`` listing entry (see :data:`BAD_DATE_KINDS`)."""
        aid, when = head.article_id, head.published
        kind = BAD_DATE_KINDS[pick(self.seed, "bad_dates-kind", aid, len(BAD_DATE_KINDS))]
        egyptian, levantine = corpus.MONTHS[when.month - 1]
        weekday = corpus.WEEKDAYS[when.weekday()]
        day = f"{when.day:02d}"
        clock = f"{when:%H:%M}"
        if kind == "garbage":
            variant = pick(self.seed, "bad_dates-garbage", aid, 3)
            if variant == 2:
                return kind, GARBAGE_STAMPS[pick(self.seed, "bad_dates-words", aid, len(GARBAGE_STAMPS))]
            clock, day = ("99:99", day) if variant == 0 else (clock, "32")
        elif kind == "weekday_mismatch":
            shift = 1 + pick(self.seed, "bad_dates-weekday", aid, 6)
            weekday = corpus.WEEKDAYS[(when.weekday() + shift) % 7]
        else:
            levantine = corpus.MONTHS[when.month % 12][1]
        return kind, f"GMT {clock} {when.year} {weekday} ,{day} {egyptian} / {levantine}"

    def printed_stamp(self, head: Head) -> str:
        """The stamp a listing entry of ``head`` prints (a ``bad_dates`` one is garbled)."""
        bad = self.article_faults(head.index).bad_stamp if self.faulty else None
        return bad or head.listing_stamp

    def is_trapped(self, section: Section) -> bool:
        """Whether the section's listing is a pagination trap (a next link past its last page)."""
        return section.key in self._trapped

    def listing_key(self, section: Section, page: int) -> str:
        """The path (with ``?page=N`` past page 1) of a listing page: its identity for faults."""
        path = self.site.listing_path(section)
        return path if page == 1 else f"{path}?{self.site.page_param}={page}"

    def listing_pages(self) -> Iterator[tuple[Section, int]]:
        """Every real HTML listing page: ``(section, page)``, sections in site order (those rendered
        client-side, ``Section.render``, are left out: their listings carry no fault)."""
        for k in self._static_sections():
            section = self.sections[k]
            for page in range(1, self.pages(section) + 1):
                yield section, page

    def listing_transient(self, section: Section, page: int) -> tuple[str, int | None] | None:
        """``(kind, 5xx status or None)`` of a real listing page's transient fault, or None."""
        if not self.faulty or not 1 <= page <= self.pages(section) or getattr(section, "render", False):
            return None
        key = self.listing_key(section, page)
        for kind in LISTING_TRANSIENT:
            if self._hit(kind, key, False):
                status = ERROR_STATUSES[pick(self.seed, "5xx-status", key, len(ERROR_STATUSES))]
                return kind, status if kind == "5xx" else None
        return None

    def _promo_number(self, section: Section, page: int) -> int:
        return (self._section_index[section.key] + 1) * 100_000 + page

    def _listing_extras(
        self, section: Section, page: int, indices: Iterable[int]
    ) -> tuple[list[tuple[int, ExtraEntry]], list[ExtraEntry]]:
        """Extra entries of a real listing page: ``(inserts, most-read block)``."""
        indices = list(indices)
        key = self.listing_key(section, page)
        inserts: list[tuple[int, ExtraEntry]] = []
        block: list[ExtraEntry] = []
        for i in indices:  # this page's duplicated articles: trailing slash and raw slug
            for alias in self.article_faults(i).aliases[1:]:
                block.append(self._alias_entry(i, alias))
        for i in self._incoming_aliases(section, page):  # another section's: the tracking query
            where = pick(self.seed, "duplicate_urls-position", f"{key}|{i}", len(indices) + 1)
            inserts.append((where, self._alias_entry(i, self.article_faults(i).aliases[0])))
        for kind, href in self._promo_links(section, page):
            n = self._promo_number(section, page)
            stamp = self.head(indices[0]).listing_stamp if indices else listing_stamp(NEWEST)
            title = PROMO_TITLES[pick(self.seed, kind + "-title", key, len(PROMO_TITLES))]
            entry = ExtraEntry(kind, href, title, PROMO_SUMMARY, stamp, f"/uploads/thumbs/promo-{n}.jpg")
            inserts.append((pick(self.seed, kind + "-position", key, len(indices) + 1), entry))
        inserts.sort(key=lambda item: item[0])
        return inserts, block

    def _alias_entry(self, index: int, href: str) -> ExtraEntry:
        head, art = self.head(index), self.article(index)
        stamp = self.printed_stamp(head)
        return ExtraEntry("duplicate_urls", href, head.title, art.summary, stamp, head.thumb_path)

    def _incoming_aliases(self, section: Section, page: int) -> list[int]:
        """Duplicated articles of the previous section (in a ring of non-empty ones) listed here.

        An article on page ``p`` of section S is also listed, with a tracking query, on page
        ``(p − 1) mod pages(T) + 1`` of the section T after S, so the same article shows in two sections.
        """
        ring = [k for k in self._static_sections() if len(self._members[k])]
        k = self._section_index[section.key]
        if k not in ring:
            return []
        source = ring[(ring.index(k) - 1) % len(ring)]
        members = self._members[source]
        found = []
        for p in range(page, self.pages(self.sections[source]) + 1, self.pages(section)):
            start = (p - 1) * self.per_page
            found += [i for i in members[start : start + self.per_page] if self.article_faults(i).aliases]
        return found

    def _promo_links(self, section: Section, page: int) -> list[tuple[str, str]]:
        """``(kind, href)`` of the redirecting links a real listing page carries."""
        if not self.faulty or getattr(section, "render", False):
            return []
        key = self.listing_key(section, page)
        n = self._promo_number(section, page)
        links = []
        if self._hit("redirect_offsite", key, self._forced_listing.get("redirect_offsite") == key):
            links.append(("redirect_offsite", f"/go/{n}"))
        if self._hit("redirect_loop", key, self._forced_listing.get("redirect_loop") == key):
            links.append(("redirect_loop", f"/loop/{n * 1000}"))
        return links

    def redirect(self, kind: str, number: int) -> str | None:
        """Where ``/go/<n>`` (offsite) or ``/loop/<n>`` (the next loop step) sends, or None (404)."""
        if not self.plan.rate(kind):
            return None
        if kind == "redirect_offsite":
            return f"{OFFSITE_BASE}/promo/{number}?utm_source=arabstoday"
        return f"/loop/{number + 1}"

    # -- listings and widgets -------------------------------------------------------------------------
    def listing(self, section: Section, page: int) -> Listing | None:
        """Page ``page`` (1-based) of a section listing, or None beyond the last page.

        A trapped section answers any page past the last with the last page's entries and a next link.
        """
        pages = self.pages(section)
        trapped = self.plan and self.is_trapped(section)
        if page < 1 or (page > pages and not trapped):
            return None
        members = self.members(section)
        start = (min(page, pages) - 1) * self.per_page
        indices = members[start : start + self.per_page]
        entries = tuple(self.article(i) for i in indices)
        stamps = tuple(self.printed_stamp(art.head) for art in entries)
        if page > pages or not self.plan:
            return Listing(section, page, pages, entries, trap=bool(trapped), stamps=stamps)
        inserts, block = self._listing_extras(section, page, indices)
        trap = bool(trapped) and page == pages
        return Listing(section, page, pages, entries, tuple(inserts), tuple(block), trap, stamps)

    def writer_columns(self, writer: Writer, limit: int) -> list[Head]:
        """The writer's newest columns (scans the opinion sections' members, stops at ``limit``)."""
        found: list[Head] = []
        for section in self.opinion_sections:
            for index in self.members(section):
                if self._writer_of(index) == writer:
                    found.append(self.head(index))
                    if len(found) >= limit:
                        return found
        return found

    def latest(self, count: int) -> list[Head]:
        """The newest articles of the site (added ones first), never the seed article."""
        return [self.head(self.index_at(k)) for k in range(min(count, self.total - 1))]

    def section_latest(self, section: Section, count: int) -> list[Head]:
        return [self.head(i) for i in self.members(section)[:count]]

    @property
    def most_read(self) -> tuple[Head, ...]:
        """The site-wide most-read widget: ten recent articles, fixed for the catalogue."""
        pool = range(min(self.articles, 300))
        picks = random.Random(_mix(self.seed, _S_MOST)).sample(pool, min(10, len(pool)))
        return tuple(self.head(i) for i in picks)

    # -- manifest -------------------------------------------------------------------------------------
    HEAD_FIELDS = (
        "url", "article_id", "section", "section_id", "kind", "writer_id", "title", "listing_stamp",
        "published_at", "true_published_at", "updated_raw", "updated_at", "amp_url", "revision", "etag",
        "last_modified", "faults", "expect_export", "aliases", "transient", "encoding", "missing_field",
        "bad_date", "oversized", "story", "republished",
    )  # fmt: skip
    FIELDS = (
        "url", "article_id", "section", "section_id", "kind", "writer_id", "title", "subtitle", "author",
        "dateline", "image_url", "image_caption", "body", "summary", "listing_stamp", "published_at",
        "true_published_at", "updated_raw", "updated_at", "amp_url", "related", "revision", "etag",
        "last_modified", "faults", "expect_export", "aliases", "transient", "encoding", "missing_field",
        "bad_date", "oversized", "story", "republished", "boilerplate",
    )  # fmt: skip

    def sections_info(self) -> list[dict[str, Any]]:
        return [
            {
                "key": s.key,
                "id": s.id,
                "name": s.name,
                "kind": s.kind,
                "path": self.site.listing_path(s),
                "count": len(self.members(s)),
                "pages": self.pages(s),
                "pagination_trap": bool(self.plan) and self.is_trapped(s),
            }
            for s in self.sections
        ]

    def manifest_header(self, base_url: str) -> dict[str, Any]:
        """Everything of the manifest but its articles (see the README of the replica's options)."""
        header: dict[str, Any] = {
            "count": self.total,
            "site": self.site.key,
            "brand": self.site.brand,
            "seed": self.seed,
            "per_page": self.per_page,
            "sections": self.sections_info(),
            "revision": {"changed": self.changed, "added": self.added},
            "faults": self.plan.as_dict(),
            "fault_attempts": self.fault_attempts,
            "slow_seconds": self.slow_seconds,
            "oversized_bytes": self.oversized_bytes,
            "expected_exports": self.total - len(self._oversized),
            "trapped_sections": [s.key for s in self.sections if self.plan and self.is_trapped(s)],
            "extra_links": [],
            "listing_faults": [],
        }
        if not self.plan:
            return header
        for section, page in self.listing_pages():
            key = self.listing_key(section, page)
            for kind, href in self._promo_links(section, page):
                number = int(href.rsplit("/", 1)[1])
                header["extra_links"].append(
                    {
                        "kind": kind,
                        "url": base_url + href,
                        "listing": base_url + key,
                        "location": _absolute(base_url, self.redirect(kind, number) or ""),
                    }
                )
            transient = self.listing_transient(section, page)
            if transient:
                header["listing_faults"].append(
                    {"url": base_url + key, **self._transient_info(*transient)}
                )
        return header

    def _transient_info(self, kind: str, status: int | None) -> dict[str, Any]:
        info: dict[str, Any] = {"kind": kind, "attempts": self.fault_attempts}
        if kind == "5xx":
            info["status"] = status
        if kind == "timeout":
            info["seconds"] = self.slow_seconds
        return info

    def entry(self, index: int, base_url: str, fields: Iterable[str] | None = None) -> dict[str, Any]:
        """The manifest entry of one article; only ``fields`` (default: all) are computed.

        ``published_at`` is what a correct crawler exports (null for an unreadable listing stamp),
        ``true_published_at`` the real publication; see :meth:`manifest_header` for the rest.
        """
        if fields is None:
            wanted = self.FIELDS
        else:
            asked = set(fields)
            wanted = tuple(f for f in self.FIELDS if f in asked)
        head = self.head(index)
        info = self.article_faults(index) if self.faulty else NO_FAULTS
        unreadable = info.bad_date in ("garbage", "month_mismatch")
        values: dict[str, Any] = {
            "url": lambda: base_url + head.path,
            "article_id": lambda: head.article_id,
            "section": lambda: head.section.key,
            "section_id": lambda: head.section.id,
            "kind": lambda: head.kind,
            "writer_id": lambda: head.writer.id if head.writer else None,
            "title": lambda: head.title,
            "listing_stamp": lambda: info.bad_stamp or head.listing_stamp,
            "published_at": lambda: None if unreadable else head.published.isoformat(),
            "true_published_at": lambda: head.published.isoformat(),
            "updated_raw": lambda: head.updated_raw,
            # a time-only update stamp needs the publication date: unknown when that stamp is unreadable
            "updated_at": lambda: head.updated.isoformat() if head.updated and not unreadable else None,
            "amp_url": lambda: base_url + head.amp_path,
            "revision": lambda: self.revision(index),
            "etag": lambda: self.etag(index),
            "last_modified": lambda: http_date(self.last_modified(index)),
            "faults": lambda: list(info.kinds),
            "expect_export": lambda: not info.oversized,
            "aliases": lambda: [base_url + alias for alias in info.aliases],
            "transient": lambda: (
                self._transient_info(info.transient, info.status) if info.transient else None
            ),
            "encoding": lambda: (
                {"charset": "windows-1256", "declared": info.encoding} if info.encoding else None
            ),
            "missing_field": lambda: info.missing,
            "bad_date": lambda: (
                {"kind": info.bad_date, "stamp": info.bad_stamp, "true_stamp": head.listing_stamp}
                if info.bad_date
                else None
            ),
            "oversized": lambda: info.oversized,
            "story": lambda: self.story_of(index),
            "republished": lambda: self._republished(index),
        }
        if any(f not in self.HEAD_FIELDS for f in wanted):
            art = self.article(index)
            values.update(
                subtitle=lambda: art.subtitle,
                author=lambda: None if art.missing == "dateline" else art.author,
                dateline=lambda: art.dateline_city,
                image_url=lambda: base_url + art.image_path if art.image_path else None,
                image_caption=lambda: art.image_caption,
                body=lambda: list(art.body),
                summary=lambda: art.summary,
                boilerplate=lambda: bool(self.republish and self.republish.boilerplate(self, index)),
                related=lambda: [
                    {"title": r.title, "url": base_url + r.path if r.path else None, "stamp": r.stamp}
                    for r in art.related
                ],
            )
        return {name: values[name]() for name in wanted}

    def story_of(self, index: int) -> str:
        """The identity (``family:prefix/id``, as the crawler spells it) of the original of the story
        the article at ``index`` tells: its own, unless it is a copy. The seed article, which every
        site of the network shows word for word, is «العرب اليوم»'s story everywhere."""
        copy = self.copy_source(index)
        if copy is not None:
            return copy.story
        if index == self.seed_index:
            return seed_story()
        head = self.head(index)
        return f"{self.site.family_key}:{head.prefix}/{head.article_id}"

    def _republished(self, index: int) -> dict[str, Any] | None:
        copy = self.copy_source(index)
        if copy is not None:
            return {"kind": copy.kind, "site": copy.site.key, "article_id": copy.head.article_id,
                    "path": copy.head.path}
        if index == self.seed_index and self.site.key != SEED_SITE:  # the seed article: a copy elsewhere
            return {"kind": "exact", "site": SEED_SITE, "article_id": SEED_ARTICLE_ID, "path": None}
        return None

    def iter_manifest(
        self, base_url: str, fields: Iterable[str] | None = None, start: int = 0, stop: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Manifest entries newest first (added ones on top), the seed article last; sliced by position."""
        fields = None if fields is None else tuple(fields)
        for position in range(max(0, start), min(self.total, self.total if stop is None else stop)):
            yield self.entry(self.index_at(position), base_url, fields)

    def manifest(
        self, base_url: str = "http://127.0.0.1", fields: Iterable[str] | None = None
    ) -> list[dict[str, Any]]:
        """Every article's truth (see the module docstring for the order), as a list."""
        return list(self.iter_manifest(base_url.rstrip("/"), fields))


def seed_story() -> str:
    """The story identity of the seed article: «العرب اليوم»'s, in its «سورية» section."""
    site = get_site(SEED_SITE)
    return f"{site.family_key}:{site.section(SEED_SECTION_KEY).id}/{SEED_ARTICLE_ID}"


def http_date(when: datetime) -> str:
    """An RFC 9110 HTTP-date: ``Tue, 22 Apr 2025 10:56:00 GMT``."""
    return format_datetime(when.astimezone(UTC), usegmt=True)


def _absolute(base_url: str, target: str) -> str:
    return target if "://" in target else base_url + target
