"""The replica's content: a deterministic catalogue of articles, sections, listings and the manifest.

Pure Python, no Twisted. Memory stays small at any size: only per-article index arrays (section,
rank in section, per-section members) are built up front; an article's text is generated on demand
from ``(seed, index)``, the same every time, and a bounded cache keeps recently used ones.

Article ``index`` 0 is the newest generated article, ``articles - 1`` the oldest; the real article of
the seed file is one extra article at index ``articles`` (older than all of them), so the catalogue
holds ``articles + 1`` articles and the manifest lists the seed article last.
"""

from __future__ import annotations

import math
import random
import re
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from newscrawl.replica import corpus
from newscrawl.sites import get_site
from newscrawl.sites.base import Section, SiteDefinition

#: Publication time of the newest generated article (the seed page's visit day).
NEWEST = datetime(2025, 4, 22, 10, 56, tzinfo=UTC)
#: The seed article: where it lives and its publisher stamps (its listing stamp is in the brief).
SEED_FILE = Path(__file__).with_name("data") / "seed_article.txt"
SEED_ARTICLE_ID = "095935"
SEED_SECTION_KEY = "syria"
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
class Listing:
    """One page of a section listing, newest first."""

    section: Section
    page: int
    pages: int
    entries: tuple[Article, ...]


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


def load_seed(path: Path = SEED_FILE) -> SeedPage:
    """Parse the seed page's visible text (see the brief for its top-to-bottom layout)."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
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

    Everything is a function of ``(seed, index)``; ``per_page`` only shapes the listings.
    """

    def __init__(
        self,
        articles: int,
        seed: int,
        per_page: int = 20,
        site: SiteDefinition | None = None,
        cache_size: int = 4096,
    ) -> None:
        if articles < 1:
            raise ValueError("articles must be at least 1")
        if per_page < 1:
            raise ValueError("per_page must be at least 1")
        self.site = site or get_site("arabstoday")
        self.articles = articles
        self.seed = seed
        self.per_page = per_page
        self.sections: tuple[Section, ...] = tuple(self.site.sections)
        self.writers: tuple[Writer, ...] = tuple(Writer(i, n) for i, n in corpus.WRITERS)
        self.seed_page = load_seed()
        self.chrome = self.seed_page.chrome
        self.seed_index = articles
        self.total = articles + 1
        self._section_index = {s.key: k for k, s in enumerate(self.sections)}
        self._by_id = {s.id: k for k, s in enumerate(self.sections) if s.kind != "opinion"}
        self._seed_section = self._section_index[SEED_SECTION_KEY]
        # timing: a closed form keeps every article O(1) and listings strictly ordered
        span = int((NEWEST - SEED_PUBLISHED).total_seconds() // 60) - 24 * 60
        self._gap = max(1, min(MEAN_GAP_MINUTES, span // articles))
        self._id_step = max(1, min(7, ID_SPACE // articles))
        self._build_index()
        self._titles = [self._title_space(k, s) for k, s in enumerate(self.sections)]
        self._fillers: dict[str, _Filler] = {}
        self.head = lru_cache(maxsize=cache_size)(self._head)
        self.article = lru_cache(maxsize=cache_size)(self._article)

    # -- index arrays ---------------------------------------------------------------------------------
    def _build_index(self) -> None:
        """Spread the generated articles evenly over the sections, in a seed-shuffled order."""
        n_sections = len(self.sections)
        order = [k % n_sections for k in range(self.articles)]
        random.Random(_mix(self.seed, _S_SECTIONS)).shuffle(order)
        order.append(self._seed_section)
        self._section_of = bytes(order)
        self._rank = array("I", bytes(4 * self.total))
        members = [array("I") for _ in self.sections]
        for index, section in enumerate(order):
            self._rank[index] = len(members[section])
            members[section].append(index)
        self._members = members

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
        """Indices of the section's articles, newest first."""
        return self._members[self._section_index[section.key]]

    def pages(self, section: Section) -> int:
        return max(1, math.ceil(len(self.members(section)) / self.per_page))

    def article_id(self, index: int) -> str:
        if index == self.seed_index:
            return SEED_ARTICLE_ID
        step = self._id_step
        return f"{ID_BASE + step * (self.articles - 1 - index) + _mix(self.seed, index, _S_ID) % step:06d}"

    def index_of(self, article_id: str) -> int | None:
        """Index of an article id (``095935``), or None: O(1), ids are strictly decreasing in index."""
        if not article_id.isdigit():
            return None
        if int(article_id) == int(SEED_ARTICLE_ID):
            return self.seed_index
        index = self.articles - 1 - (int(article_id) - ID_BASE) // self._id_step
        if 0 <= index < self.articles and int(self.article_id(index)) == int(article_id):
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
        """``NEWEST − index·gap − jitter``, jitter < gap/2: strictly decreasing in index, whole minutes."""
        jitter = _mix(self.seed, index, _S_TIME) % max(1, self._gap // 2)
        return NEWEST - timedelta(minutes=index * self._gap + jitter)

    def _head(self, index: int) -> Head:
        if index == self.seed_index:
            return self._seed_head()
        if not 0 <= index < self.articles:
            raise IndexError(index)
        section_k = self._section_of[index]
        section = self.sections[section_k]
        writer = None
        if section.kind == "opinion":
            writer = self.writers[_mix(self.seed, index, _S_WRITER) % len(self.writers)]
        published = self.published(index)
        updated = updated_raw = None
        if _mix(self.seed, index, _S_UPD) % 100 < UPDATED_SHARE:
            end_of_day = published.replace(hour=23, minute=59, second=59)
            room = min(6 * 3600, int((end_of_day - published).total_seconds()))
            updated = published + timedelta(seconds=_mix(self.seed, index, _S_UPD, 1) % (room + 1))
            updated_raw = update_stamp(updated, spaced=_mix(self.seed, index, _S_UPD_FMT) % 5 == 0)
        return Head(
            index=index,
            article_id=self.article_id(index),
            section=section,
            writer=writer,
            title=self._titles[section_k].title(self._rank[index]),
            published=published,
            updated=updated,
            updated_raw=updated_raw,
        )

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
        head = self.head(index)
        if index == self.seed_index:
            return self._seed_article(head)
        rng = random.Random(_mix(self.seed, index, _S_TEXT))
        filler = self._filler(head.section)
        dateline = city = byline = image = caption = None
        if head.writer is not None:
            subtitle = rng.choice(corpus.OPINION_SUBTITLES) if rng.random() < 0.5 else None
            author = head.writer.name
            byline = rng.choice(corpus.BYLINES).format(name=author)
        else:
            subtitle = rng.choice(filler.domain.subtitles) if rng.random() < 0.95 else None
            if rng.random() < 0.92:
                image = f"/uploads/images/{head.article_id}.jpg"
                caption = filler.fill(rng, rng.choice(filler.captions))
            city, author = self._dateline_parts(rng, filler)
            separators, weights = zip(*corpus.DATELINE_SEPARATORS, strict=True)
            dateline = f"{city}{rng.choices(separators, weights)[0]}{author}"
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
        return Article(
            head=head,
            subtitle=subtitle,
            author=author,
            dateline=dateline,
            dateline_city=city,
            byline=byline,
            image_path=image,
            image_caption=caption,
            paragraphs=tuple(paragraphs),
            summary=sentences[0],
            related_heading=heading,
            related=related,
            ticker=ticker,
            header_date=rng.random() < 0.4,
        )

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
        """Older articles of the same section (newer ones when too few are older)."""
        members = self.members(head.section)
        rank = self._rank[head.index]
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

    # -- listings and widgets -------------------------------------------------------------------------
    def listing(self, section: Section, page: int) -> Listing | None:
        """Page ``page`` (1-based) of a section listing, or None beyond the last page."""
        pages = self.pages(section)
        if not 1 <= page <= pages:
            return None
        members = self.members(section)
        start = (page - 1) * self.per_page
        entries = tuple(self.article(i) for i in members[start : start + self.per_page])
        return Listing(section, page, pages, entries)

    def writer_columns(self, writer: Writer, limit: int) -> list[Head]:
        """The writer's newest columns (scans the opinion sections' members, stops at ``limit``)."""
        found: list[Head] = []
        for section in self.opinion_sections:
            for index in self.members(section):
                if self.writers[_mix(self.seed, index, _S_WRITER) % len(self.writers)] == writer:
                    found.append(self.head(index))
                    if len(found) >= limit:
                        return found
        return found

    def latest(self, count: int) -> list[Head]:
        return [self.head(i) for i in range(min(count, self.articles))]

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
        "published_at", "updated_raw", "updated_at", "amp_url",
    )  # fmt: skip
    FIELDS = (
        "url", "article_id", "section", "section_id", "kind", "writer_id", "title", "subtitle", "author",
        "dateline", "image_url", "image_caption", "body", "summary", "listing_stamp", "published_at",
        "updated_raw", "updated_at", "amp_url", "related",
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
            }
            for s in self.sections
        ]

    def entry(self, index: int, base_url: str, fields: Iterable[str] | None = None) -> dict[str, Any]:
        """The manifest entry of one article; only ``fields`` (default: all) are computed."""
        wanted = self.FIELDS if fields is None else tuple(f for f in self.FIELDS if f in set(fields))
        head = self.head(index)
        values: dict[str, Any] = {
            "url": lambda: base_url + head.path,
            "article_id": lambda: head.article_id,
            "section": lambda: head.section.key,
            "section_id": lambda: head.section.id,
            "kind": lambda: head.kind,
            "writer_id": lambda: head.writer.id if head.writer else None,
            "title": lambda: head.title,
            "listing_stamp": lambda: head.listing_stamp,
            "published_at": lambda: head.published.isoformat(),
            "updated_raw": lambda: head.updated_raw,
            "updated_at": lambda: head.updated.isoformat() if head.updated else None,
            "amp_url": lambda: base_url + head.amp_path,
        }
        if any(f not in self.HEAD_FIELDS for f in wanted):
            art = self.article(index)
            values.update(
                subtitle=lambda: art.subtitle,
                author=lambda: art.author,
                dateline=lambda: art.dateline_city,
                image_url=lambda: base_url + art.image_path if art.image_path else None,
                image_caption=lambda: art.image_caption,
                body=lambda: list(art.body),
                summary=lambda: art.summary,
                related=lambda: [
                    {"title": r.title, "url": base_url + r.path if r.path else None, "stamp": r.stamp}
                    for r in art.related
                ],
            )
        return {name: values[name]() for name in wanted}

    def iter_manifest(
        self, base_url: str, fields: Iterable[str] | None = None, start: int = 0, stop: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Manifest entries newest first, the seed article last; ``start``/``stop`` slice them."""
        fields = None if fields is None else tuple(fields)
        for index in range(max(0, start), min(self.total, self.total if stop is None else stop)):
            yield self.entry(index, base_url, fields)

    def manifest(
        self, base_url: str = "http://127.0.0.1", fields: Iterable[str] | None = None
    ) -> list[dict[str, Any]]:
        """Every article's truth (see the module docstring for the order), as a list."""
        return list(self.iter_manifest(base_url.rstrip("/"), fields))
