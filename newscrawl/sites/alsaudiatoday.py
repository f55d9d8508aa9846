"""«السعودية اليوم» (alsaudiatoday.com), a sister site of «العرب اليوم» on the same CMS.

Hosts and brand label from the publisher notes. Section ids and names are placeholders in the
network's pattern, to verify on the live site before a production crawl of it.
"""

from newscrawl.sites.base import Section, SiteDefinition, mirror_origins

HOST = "alsaudiatoday.com"

SITE = SiteDefinition(
    key="alsaudiatoday",
    name="السعودية اليوم",
    brand="السعودية اليوم",
    base_url=f"https://www.{HOST}",
    mirrors=mirror_origins(HOST),
    sections=(
        Section("saudi", "1", "أخبار السعودية"),
        Section("arab", "2", "أخبار عربية"),
        Section("world", "3", "أخبار عالمية"),
        Section("economy", "6", "اقتصاد"),
        Section("sports", "8", "رياضة"),
        Section("writers", "w", "مقالات", kind="opinion"),
    ),
    timezone="UTC",
)
