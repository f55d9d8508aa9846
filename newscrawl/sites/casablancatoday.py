"""«الدار البيضاء اليوم» (casablancatoday.com), a sister site of «العرب اليوم» on the same CMS.

Hosts and brand label from the publisher notes. Section ids and names are placeholders in the
network's pattern, to verify on the live site before a production crawl of it.
"""

from newscrawl.sites.base import Section, SiteDefinition, mirror_origins

HOST = "casablancatoday.com"

SITE = SiteDefinition(
    key="casablancatoday",
    name="الدار البيضاء اليوم",
    brand="الدار البيضاء اليوم",
    base_url=f"https://www.{HOST}",
    mirrors=mirror_origins(HOST),
    sections=(
        Section("casablanca", "1", "أخبار الدار البيضاء"),
        Section("economy", "6", "اقتصاد"),
        Section("sports", "8", "رياضة"),
        Section("culture", "10", "فن وثقافة"),
        Section("tech", "12", "علوم وتكنولوجيا"),
        # /health/rss.xml seen in news-reader configurations; its id and name are placeholders
        Section("health", "14", "صحة", slug="health"),
        Section("writers", "w", "مقالات", kind="opinion"),
    ),
    timezone="UTC",
)
