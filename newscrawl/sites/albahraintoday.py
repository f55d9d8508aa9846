"""«البحرين اليوم» (albahraintoday.com), a sister site of «العرب اليوم» on the same CMS.

Hosts and brand label from the publisher notes. Section ids and names are placeholders in the
network's pattern, to verify on the live site before a production crawl of it.
Its pages were seen carrying the label ``صوت الإمارات -``: ``brand`` is what its pages print (the
exported ``brand`` is always read from the page itself).
"""

from newscrawl.sites.base import Section, SiteDefinition, mirror_origins

HOST = "albahraintoday.com"

SITE = SiteDefinition(
    key="albahraintoday",
    name="البحرين اليوم",
    brand="صوت الإمارات",
    base_url=f"https://www.{HOST}",
    mirrors=mirror_origins(HOST),
    sections=(
        Section("bahrain", "1", "أخبار البحرين"),
        Section("arab", "2", "أخبار عربية"),
        Section("world", "3", "أخبار عالمية"),
        Section("economy", "6", "اقتصاد"),
        Section("sports", "8", "رياضة"),
        Section("writers", "w", "مقالات", kind="opinion"),
    ),
    timezone="UTC",
)
