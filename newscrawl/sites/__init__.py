"""Site definitions, one module per site, registered by key."""

from newscrawl.sites.arabstoday import SITE as ARABSTODAY
from newscrawl.sites.base import Section, Selectors, SiteDefinition

SITES: dict[str, SiteDefinition] = {site.key: site for site in (ARABSTODAY,)}


def get_site(key: str) -> SiteDefinition:
    """Return the site definition registered under ``key`` (a clear error when unknown)."""
    try:
        return SITES[key]
    except KeyError:
        raise KeyError(f"unknown site {key!r}; known sites: {', '.join(sorted(SITES))}") from None


__all__ = ["SITES", "Section", "Selectors", "SiteDefinition", "get_site"]
