"""newscrawl's own signals (plain ``object()``s, as Scrapy's are), sent through ``crawler.signals``."""

#: Sent by :class:`newscrawl.report.RunReport` once the run report is built and written — after the
#: engine has stopped, so the run's verdict (exit status and the rule that decided it) is in it — with
#: ``report`` (the report dict) and ``path`` (the JSON report's path, or None when none is written).
#: The run history and the HTML picture of the run (:mod:`newscrawl.history`) hang on it.
report_built = object()
