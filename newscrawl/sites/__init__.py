"""Site definitions, one module per site, registered by key.

The network of the publisher (Arabs Today Group) runs every site below on the same CMS, so adding a
sister site is one more module here and a test: no spider code.
"""

from newscrawl.sites.albahraintoday import SITE as ALBAHRAINTODAY
from newscrawl.sites.almaghribtoday import SITE as ALMAGHRIBTODAY
from newscrawl.sites.alsaudiatoday import SITE as ALSAUDIATODAY
from newscrawl.sites.arabstoday import SITE as ARABSTODAY
from newscrawl.sites.base import Section, Selectors, SiteDefinition
from newscrawl.sites.casablancatoday import SITE as CASABLANCATODAY
from newscrawl.sites.emiratesvoice import SITE as EMIRATESVOICE
from newscrawl.sites.lebanontoday import SITE as LEBANONTODAY
from newscrawl.sites.moroccosports import SITE as MOROCCOSPORTS
from newscrawl.sites.omantoday import SITE as OMANTODAY
from newscrawl.sites.syria24 import SITE as SYRIA24

#: Every site of the network, «العرب اليوم» first (the default, and the first of ``site=all``).
SITES: dict[str, SiteDefinition] = {
    site.key: site
    for site in (ARABSTODAY, EMIRATESVOICE, ALMAGHRIBTODAY, OMANTODAY, LEBANONTODAY, ALSAUDIATODAY,
                 CASABLANCATODAY, MOROCCOSPORTS, ALBAHRAINTODAY, SYRIA24)
}
#: The value of ``-a site=`` that selects every site.
ALL_SITES = "all"


def get_site(key: str) -> SiteDefinition:
    """Return the site definition registered under ``key`` (a clear error when unknown)."""
    try:
        return SITES[key]
    except KeyError:
        raise KeyError(f"unknown site {key!r}; known sites: {', '.join(sorted(SITES))}") from None


def sites_for(spec: str) -> tuple[SiteDefinition, ...]:
    """The sites of ``-a site=``: one key, a comma list of keys, or ``all`` (registry order)."""
    if spec.strip() == ALL_SITES:
        return tuple(SITES.values())
    keys = [part.strip() for part in spec.split(",") if part.strip()]
    if not keys:
        raise KeyError(f"no site given; known sites: {', '.join(sorted(SITES))} (or {ALL_SITES})")
    return tuple(dict.fromkeys(get_site(key) for key in keys))


__all__ = ["ALL_SITES", "SITES", "Section", "Selectors", "SiteDefinition", "get_site", "sites_for"]
