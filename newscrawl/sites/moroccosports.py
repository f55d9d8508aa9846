"""«المغرب الرياضي» (moroccosports.net), a sister site of «العرب اليوم» on the same CMS.

Hosts and brand label from the publisher notes. Section ids and names are placeholders in the
network's pattern, to verify on the live site before a production crawl of it.
"""

from newscrawl.sites.base import Section, SiteDefinition, mirror_origins

HOST = "moroccosports.net"

SITE = SiteDefinition(
    key="moroccosports",
    name="المغرب الرياضي",
    brand="المغرب الرياضي",
    base_url=f"https://www.{HOST}",
    mirrors=mirror_origins(HOST),
    sections=(
        Section("botola", "1", "البطولة الوطنية"),
        Section("national-team", "2", "المنتخب المغربي"),
        Section("world-football", "3", "كرة القدم العالمية"),
        Section("sports", "8", "رياضات أخرى"),
        Section("writers", "w", "مقالات", kind="opinion"),
    ),
    timezone="UTC",
)
