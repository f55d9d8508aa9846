"""«سوريا 24» (syria-24.com), a sister site of «العرب اليوم» on the same CMS.

Hosts and brand label from the publisher notes. Section ids and names are placeholders in the
network's pattern, to verify on the live site before a production crawl of it.
Its pages were seen carrying the label ``المغرب اليوم -``: ``brand`` is what its pages print (the
exported ``brand`` is always read from the page itself).
"""

from newscrawl.sites.base import Section, SiteDefinition, mirror_origins

HOST = "syria-24.com"

SITE = SiteDefinition(
    key="syria24",
    name="سوريا 24",
    brand="المغرب اليوم",
    base_url=f"https://www.{HOST}",
    mirrors=mirror_origins(HOST),
    sections=(
        Section("syria", "40", "سورية"),
        Section("arab", "1", "أخبار عربية"),
        Section("world", "3", "أخبار عالمية"),
        Section("economy", "6", "اقتصاد"),
        Section("culture", "10", "فن وثقافة"),
        Section("writers", "w", "مقالات", kind="opinion"),
    ),
    timezone="UTC",
)
