"""«العرب اليوم» (arabstoday.net): sections and hosts as the publisher shows them."""

from newscrawl.sites.base import Section, SiteDefinition

SITE = SiteDefinition(
    key="arabstoday",
    name="العرب اليوم",
    brand="العرب اليوم",
    base_url="https://www.arabstoday.net",
    mirrors=(
        "https://arabstoday.net",
        "https://mail.arabstoday.net",
        "https://android.arabstoday.net",
        "https://autodiscover.arabstoday.net",
        "https://host.arabstoday.net",
    ),
    sections=(
        Section("arab", "1", "أخبار عربية"),
        Section("syria", "40", "سورية"),
        Section("world", "3", "أخبار عالمية"),
        Section("economy", "6", "اقتصاد"),
        Section("sports", "8", "رياضة"),
        Section("culture", "10", "فن وثقافة"),
        Section("tech", "12", "علوم وتكنولوجيا"),
        Section("varieties", "15", "منوعات", render=True),  # list built by a script: needs a browser
        Section("writers", "w", "مقالات", kind="opinion"),
    ),
    timezone="UTC",
)
