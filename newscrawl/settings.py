"""Scrapy settings of newscrawl. Every value can be overridden with ``-s NAME=VALUE``."""

from newscrawl.items import ARTICLE_FIELDS

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# --- politeness (the live publisher) -------------------------------------------------------------
# USER_AGENT is built from these when the crawl starts (newscrawl/feeds.py apply_user_agent), so
# -s NEWSCRAWL_CONTACT=mailto:you@example.org changes it; -s USER_AGENT=… replaces it whole.
NEWSCRAWL_CONTACT = "https://github.com/newscrawl/newscrawl"
NEWSCRAWL_USER_AGENT = "newscrawl/0.1 (+{contact}; Arabic news archiving crawler)"
ROBOTSTXT_OBEY = True
# Protego's answers, without normalizing the long percent-encoded URLs no rule can match (newscrawl/robots.py)
ROBOTSTXT_PARSER = "newscrawl.robots.QuickProtegoRobotParser"
CONCURRENT_REQUESTS = 16
# Items and requests processed in parallel per response. Scrapy starts this many asyncio worker tasks
# (and a queue of twice as many) for every response, whatever it yields; an article page yields one
# item (the one pipeline that awaits, the distributed claim, waits for that item alone), so more
# workers only cost: 16 took ~87 µs a one-item response,
# 2 take ~26 µs (Scrapy's default, 100: ~440 µs), and 2 also handle a listing page's ~20 requests
# fastest (~91 µs; 1: ~114, 16: ~116). Measured with scrapy.utils.asyncio._parallel_asyncio.
CONCURRENT_ITEMS = 2
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
# Development switch: -s HTTPCACHE_ENABLED=1 keeps every page under .scrapy/httpcache.
HTTPCACHE_ENABLED = False

# --- faults: retries with backoff, size limits, redirects ------------------------------------------
RETRY_ENABLED = True
RETRY_TIMES = 4  # 5 attempts in all for 5xx, 408/429, timeouts and dropped connections
NEWSCRAWL_RETRY_BACKOFF_BASE = 0.5  # seconds before the 1st retry, doubled at each next one
NEWSCRAWL_RETRY_BACKOFF_MAX = 30.0
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024  # an article page is ~50 KB; bigger is a broken or hostile page
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5  # a redirect loop is given up quickly; offsite redirects are filtered
NEWSCRAWL_FALLBACK_ENCODINGS = ["utf-8", "cp1256"]  # pages that declare no encoding, or a wrong one
# A page whose text, decoded as declared, has more than this share of its non-ASCII characters
# undecodable (U+FFFD) is re-read in a fallback encoding when mostly undecodable, else it fails
# (failures/bad_encoding): never exported as garbage.
NEWSCRAWL_MAX_UNDECODABLE_SHARE = 0.01
# Bounds of a section's pagination (-a max_pages replaces the first): pages followed at most, a
# failure of the section when reached (failures/listing_page_cap: a listing naming new ids forever);
# and the number of pages in a row listing nothing new after which it ends (a trap repeating
# pages). 0 turns either off.
NEWSCRAWL_MAX_LISTING_PAGES = 5000
NEWSCRAWL_MAX_STALE_LISTING_PAGES = 3
DOWNLOADER_MIDDLEWARES = {
    # offsite by origin (scheme, host and port), offsite redirects counted as failures
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "newscrawl.middlewares.OriginOffsiteMiddleware": 50,
    "newscrawl.middlewares.RetryBackoffMiddleware": 560,  # just after RetryMiddleware (550)
    # the same meta-refresh redirects, without decoding every page that has none
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newscrawl.middlewares.QuickMetaRefreshMiddleware": 580,
    "newscrawl.middlewares.ArabicEncodingMiddleware": 585,  # responses: after decompression (590)
    "newscrawl.render.RenderStats": 950,  # render/browser_requests and …/plain_requests, after the cache
}

# No URL duplicate filter on one machine: the spider dedupes articles by identity (section and
# article ids, whatever the URL variant) and ends paginations itself, while Scrapy's filter, persisted
# in JOBDIR, would drop for good the requests that were in flight when a crawl was killed.
# Distributed mode replaces it with scrapy-redis's shared filter.
DUPEFILTER_CLASS = "scrapy.dupefilters.BaseDupeFilter"
# Scrapy's scheduler; with JOBDIR, the queues of a run that never closed (SIGKILL, a crash) are
# discarded instead of read back wrong (newscrawl/jobdir.py). Distributed mode replaces it.
SCHEDULER = "newscrawl.jobdir.JobdirScheduler"
# Scrapy's MemoryStatsCollector without its per-attribute deprecation shim (newscrawl/stats.py)
STATS_CLASS = "newscrawl.stats.StatsCollector"

# --- items and pipelines -------------------------------------------------------------------------
ITEM_PIPELINES = {
    "pipelines.text.TextCleaningPipeline": 100,
    "pipelines.dates.ArabicDatePipeline": 200,
    "pipelines.validate.ValidationPipeline": 300,
    "pipelines.state.StatePipeline": 400,
    "pipelines.stories.StoryPipeline": 450,
    "pipelines.schema.SchemaValidationPipeline": 500,  # the record as exported, against its JSON Schema
}
# Copies of a story already met (another site's republication): "export" them as records with
# story_id and copy_of (default), or "count" them only (left out of the feed, stories/copies_left_out).
NEWSCRAWL_STORY_COPIES = "export"

# Longest text a field may hold, in characters (ValidationPipeline): an item with a longer one is
# dropped, counted as validation/dropped/too_long_<field>. Several times what real pages hold (the
# seed article's title is 59 characters, its body about 3,300; replica titles ≤ 80, bodies ≤ 4,100):
# only a broken page gets there, e.g. an unclosed <h1> that swallows the article into the title.
# Override single fields with -s 'NEWSCRAWL_MAX_FIELD_LENGTHS={"title": 1000}' (0 or null: no limit).
NEWSCRAWL_MAX_FIELD_LENGTHS_BASE = {
    "url": 2048,  # the sitemap protocol's limit (a percent-encoded Arabic slug: ~450)
    "image_url": 2048,
    "title": 500,
    "subtitle": 1000,
    "author": 200,
    "dateline": 100,
    "brand": 100,
    "image_caption": 1000,
    "summary": 2000,
    "published_raw": 200,
    "updated_raw": 200,
    "body": 200_000,
    "related.title": 500,
}
NEWSCRAWL_MAX_FIELD_LENGTHS: dict[str, int] = {}

# --- feed exports --------------------------------------------------------------------------------
FEED_EXPORT_ENCODING = "utf-8"  # Arabic as text, never \u escapes
FEED_EXPORT_FIELDS = list(ARTICLE_FIELDS)  # stable column / key order
FEED_EXPORT_INDENT = None
FEED_EXPORTERS = {
    # Scrapy's JSON exporters, the same bytes, without an ItemAdapter and 25 metadata look-ups a record
    "json": "newscrawl.exporters.ArticleJsonItemExporter",
    "jsonlines": "newscrawl.exporters.ArticleJsonLinesItemExporter",
    "jsonl": "newscrawl.exporters.ArticleJsonLinesItemExporter",
    "jl": "newscrawl.exporters.ArticleJsonLinesItemExporter",
    "csv": "newscrawl.exporters.ArticleCsvItemExporter",  # related, date_issues: one line per entry
    "xml": "newscrawl.exporters.ArticleXmlItemExporter",  # a null field has no element
}
NEWSCRAWL_CSV_BOM = False  # a UTF-8 byte order mark first in CSV feeds, for spreadsheet programs
# CSV cells a spreadsheet would run as a formula (leading =, +, -, @, tab or CR) get a leading '
# (OWASP's advice on CSV injection); False writes them as they are (for a program reading the CSV).
NEWSCRAWL_CSV_NEUTRALIZE_FORMULAS = True
# Scrapy's storages, remembering whether each feed file was stored (newscrawl/feedstore.py): the
# incremental state records an article only once a stored file holds it.
FEED_STORAGES = {
    "": "newscrawl.feedstore.RecordedFileFeedStorage",
    "file": "newscrawl.feedstore.RecordedFileFeedStorage",
    "stdout": "newscrawl.feedstore.RecordedStdoutFeedStorage",
    "s3": "newscrawl.feedstore.RecordedS3FeedStorage",
    "gs": "newscrawl.feedstore.RecordedGCSFeedStorage",
    "ftp": "newscrawl.feedstore.RecordedFTPFeedStorage",
    "ftps": "newscrawl.feedstore.RecordedFTPFeedStorage",
}
# Presets of FEEDS, chosen with -s NEWSCRAWL_FEED_PRESET=<name> (ignored when -o/-O or FEEDS is set).
# "scheduled": one JSON Lines file per run under exports/<spider>/, named by the run's UTC start time.
NEWSCRAWL_FEED_PRESET = ""
NEWSCRAWL_FEED_PRESETS = {
    "scheduled": {
        "exports/%(name)s/%(time)s.jsonl": {"format": "jsonlines", "encoding": "utf-8"},
    },
}

# --- scheduled runs ------------------------------------------------------------------------------
# SQLite file of the incremental state (same as -a state=PATH); empty: every run exports everything.
NEWSCRAWL_STATE = ""
# Seconds to wait for another run holding the state file to end (0: refuse at once, status 1).
NEWSCRAWL_STATE_WAIT = 0

# --- the run's verdict: exit status and report (newscrawl/verdict.py, newscrawl/monitors.py) ------
# Run report: JSON beside the first local feed, or this path.
NEWSCRAWL_REPORT = ""
# Thresholds of the exit status (README "Exit status"); each breach is status 3.
NEWSCRAWL_MIN_ITEMS = 0  # articles the run saw (exported, known unchanged or failed)
NEWSCRAWL_MIN_COVERAGE = {"url": 1.0, "title": 1.0, "body": 1.0, "published_at": 0.9}  # exported records
NEWSCRAWL_MAX_FAILURES = "0"  # pages failed for good: a number, a percentage of pages ("2%"), "" no limit
NEWSCRAWL_MAX_ERRORS = 0  # callbacks/pipelines that raised; errors logged that no other rule counts
# Spidermon runs the checks once the engine has stopped (feeds stored, state saved); its action
# writes the failed ones into the stats and `scrapy crawl` exits with the status they give.
SPIDERMON_ENABLED = True
SPIDERMON_ENGINE_STOP_MONITORS = ["newscrawl.monitors.RunVerdictSuite"]
SPIDERMON_ADD_FIELD_COVERAGE = True
SPIDERMON_FIELD_COVERAGE_SKIP_NONE = True  # a null field is not covered
SPIDERMON_FIELD_COVERAGE_RULES: dict[str, float] = {}  # extra rules, "Article/<field>": floor
SPIDERMON_EXPECTED_FINISH_REASONS = ["finished"]
SPIDERMON_MAX_ITEM_VALIDATION_ERRORS = 0  # schema errors of exported records (pipelines/schema.py)
EXTENSIONS = {
    # In this order: the checks run at engine_stopped before the report that states their verdict.
    "newscrawl.monitors.Monitoring": 500,  # Spidermon's extension, one line per failed check
    "newscrawl.monitors.VerdictStats": 505,
    "newscrawl.feedstore.FeedHealth": 506,
    "newscrawl.report.RunReport": 510,
    "newscrawl.progress.Progress": 520,
    "newscrawl.history.RunHistory": 530,  # hangs on report_built
    "newscrawl.collector.CollectorTuning": 540,
}
# Python's garbage collector (newscrawl/collector.py): the objects alive at spider open (Scrapy,
# Twisted, numpy, the project) frozen out of its full collections, and its thresholds
# (gc.set_threshold; empty: Python's 700, 10, 10). Measured on a 2,000-article crawl: the collector
# took ~11 % of the crawl's CPU with Python's defaults, ~4 % with these.
NEWSCRAWL_GC_FREEZE = True
NEWSCRAWL_GC_THRESHOLD: list[int] = [5000, 10, 10]
# A progress line every this many seconds (pages, articles exported, rate, failures; percent and ETA
# when the total is known: stat progress/expected_articles); 0 turns it off.
NEWSCRAWL_PROGRESS_INTERVAL = 10.0
# Run history (the database, else the state) and <feed>.report.html (newscrawl/history.py).
NEWSCRAWL_HISTORY_ENABLED = True
NEWSCRAWL_HISTORY_RUNS = 20  # runs in the page's trend charts

# --- the article archive (newscrawl/database.py, newscrawl/sink.py; pip install -e '.[database]') ----
# A SQL database every exported article is upserted into, beside the feeds: sqlite:///articles.db
# (no server) or postgresql://user:password@host/dbname (psycopg 3). Empty: none.
NEWSCRAWL_DATABASE = ""
NEWSCRAWL_DATABASE_BATCH = 500  # articles per transaction
ADDONS = {"newscrawl.sink.DatabaseAddon": 100}  # adds the database feed when NEWSCRAWL_DATABASE is set
COMMANDS_MODULE = "newscrawl.commands"
# `scrapy check arabstoday`: the callbacks' @url pages are requested where the crawl fetches the site
# (-a source=replica, base_url, hosts); @filled checks fields are non-empty (newscrawl/contracts.py).
SPIDER_CONTRACTS = {
    "scrapy.contracts.default.UrlContract": None,
    "newscrawl.contracts.UrlContract": 1,
    "newscrawl.contracts.FilledContract": 20,
}

# --- discovery: RSS feeds and sitemaps (newscrawl/discovery.py, newscrawl/xmlsafe.py) --------------
# Cap on a feed or sitemap, downloaded and after gunzip (the sitemap protocol's own limit is 50 MB);
# bigger documents, entity declarations and malformed XML are refused and counted under xml/<reason>.
NEWSCRAWL_MAX_XML_BYTES = 50 * 1024 * 1024

# --- browser rendering (newscrawl/render.py) ------------------------------------------------------
# Sections declared render=True are rendered in headless Chromium through scrapy-playwright; its
# download handler is installed by the spider only for a crawl that renders something.
NEWSCRAWL_RENDER_ALL = False  # every request through the browser, for a site that needs it
NEWSCRAWL_CHROMIUM = ""  # empty: the NEWSCRAWL_CHROMIUM environment variable, else /usr/bin/chromium
PLAYWRIGHT_MAX_CONTEXTS = 1  # one context: the pages share nothing that needs isolating
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4  # pages rendered at once
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000  # ms, as DOWNLOAD_TIMEOUT

# --- distributed mode (newscrawl/distributed.py; README "Scaling out") ----------------------------
# Off unless REDIS_URL (scrapy-redis's setting) or NEWSCRAWL_FRONTIER is a redis:// URL: then the
# frontier (scrapy-redis's scheduler and duplicate filter) and the incremental state live in Redis,
# shared by every crawl process; seeds are pushed with `scrapy push-seeds`.
NEWSCRAWL_FRONTIER = ""
NEWSCRAWL_LEASE_TTL = 30  # s without a heartbeat before a process counts as dead (its work requeued)
NEWSCRAWL_IDLE_CLOSE = 10  # s the whole frontier must stay idle before a process closes; 0: never
NEWSCRAWL_FRONTIER_POLL = 0.5  # s between looks at the shared queue while this process has no work
NEWSCRAWL_REDIS_WAIT = 120  # s to wait (reconnecting) for an unreachable Redis before stopping: status 1

# --- engine --------------------------------------------------------------------------------------
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"
# Scrapy's messages; its "Crawled"/"Scraped" DEBUG records of every page not built when no log handler
# writes DEBUG (newscrawl/logformat.py): the same log, ~11 µs less a record.
LOG_FORMATTER = "newscrawl.logformat.QuietLogFormatter"
