"""«المغرب اليوم» (almaghribtoday.net), a sister site of «العرب اليوم» on the same CMS.

Hosts and brand label from the publisher notes. Section ids and names are placeholders in the
network's pattern, to verify on the live site before a production crawl of it.
"""

from newscrawl.sites.base import Section, SiteDefinition, mirror_origins

HOST = "almaghribtoday.net"

SITE = SiteDefinition(
    key="almaghribtoday",
    name="المغرب اليوم",
    brand="المغرب اليوم",
    base_url=f"https://www.{HOST}",
    mirrors=mirror_origins(HOST),
    sections=(
        Section("morocco", "1", "أخبار المغرب"),
        Section("arab", "2", "أخبار عربية"),
        Section("world", "3", "أخبار عالمية"),
        Section("economy", "6", "اقتصاد"),
        Section("sports", "8", "رياضة"),
        Section("culture", "10", "فن وثقافة"),
        # /health/rss.xml seen in news-reader configurations; its id and name are placeholders
        Section("health", "14", "صحة", slug="health"),
        Section("writers", "w", "مقالات", kind="opinion"),
    ),
    timezone="UTC",
    rss_paths=("/rss",),  # https://www.almaghribtoday.net/rss (news-reader configurations)
)
