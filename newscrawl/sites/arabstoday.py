"""«العرب اليوم» (arabstoday.net): sections and hosts as the publisher shows them."""

from newscrawl.sites.base import Section, SiteDefinition, mirror_origins

SITE = SiteDefinition(
    key="arabstoday",
    name="العرب اليوم",
    brand="العرب اليوم",
    base_url="https://www.arabstoday.net",
    mirrors=mirror_origins("arabstoday.net"),
    sections=(
        Section("arab", "1", "أخبار عربية"),
        Section("syria", "40", "سورية"),
        Section("world", "3", "أخبار عالمية"),
        Section("economy", "6", "اقتصاد"),
        Section("sports", "8", "رياضة", slug="sports"),  # /sports/rss.xml seen in news-reader configurations
        Section("culture", "10", "فن وثقافة"),
        Section("tech", "12", "علوم وتكنولوجيا"),
        Section("varieties", "15", "منوعات", render=True),  # list built by a script: needs a browser
        Section("writers", "w", "مقالات", kind="opinion"),
    ),
    timezone="UTC",
)
