"""``python -m newscrawl.dates``: see :mod:`newscrawl.dates.cli`."""

from newscrawl.dates.cli import main

raise SystemExit(main())
