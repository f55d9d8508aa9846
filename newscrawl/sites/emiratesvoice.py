"""«صوت الإمارات» (emiratesvoice.com), a sister site of «العرب اليوم» on the same CMS.

Hosts and brand label from the publisher notes. Section ids and names are placeholders in the
network's pattern, to verify on the live site before a production crawl of it.
Its update stamp is local: ``آخر تحديث 21:44:11 بتوقيت أبوظبي`` (UTC+4), followed by a header date
line that is the day of the visit, never the article's.
"""

from newscrawl.sites.base import Section, SiteDefinition, mirror_origins

HOST = "emiratesvoice.com"

SITE = SiteDefinition(
    key="emiratesvoice",
    name="صوت الإمارات",
    brand="صوت الإمارات",
    base_url=f"https://www.{HOST}",
    mirrors=mirror_origins(HOST),
    sections=(
        Section("emirates", "1", "أخبار الإمارات"),
        Section("arab", "2", "أخبار عربية"),
        Section("world", "3", "أخبار عالمية"),
        Section("economy", "6", "اقتصاد"),
        Section("sports", "8", "رياضة"),
        Section("culture", "10", "فن وثقافة"),
        Section("writers", "w", "مقالات", kind="opinion"),
    ),
    timezone="Asia/Dubai",
    update_zone_label="أبوظبي",
)
