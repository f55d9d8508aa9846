"""Sections built in the browser: a JSON feed, a listing shell that loads it, lazy article images.

Some publisher sections render their article list client-side. A section whose definition says
``render=True`` is served that way, so the crawler's browser path has something real to do:

* ``/section/<id>`` is a shell: an empty ``div.news-list``, a hidden ``button.load-more``
  ("المزيد") and an inline script. Without a browser the page has no article links at all.
* The script fetches ``/api/section/<id>?page=N`` (JSON, ``per_page`` entries a page) and appends
  ``div.news-item`` entries with the same markup as the static listings; the button loads the next
  page and is removed once the last page is in.
* The section's article pages are the regular ones with a lazy main image: ``src`` is a placeholder,
  the real URL is in ``data-src`` (a script copies it over), and ``og:image`` / JSON-LD ``image``
  are left out, so the real URL can only come from ``data-src``. The manifest keeps the real URL.

Everything is a wrapper around :class:`~newscrawl.replica.server.ReplicaResource`: its routes are
put in front of the resource's own (see :func:`routes`), other sections are untouched. The server
imports this module; this module knows the resource only as :class:`Resource` (what it uses of it)
and imports the HTTP vocabulary from :mod:`newscrawl.replica.http`, never the server.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Protocol

from twisted.web.server import Request

from newscrawl.replica import pages
from newscrawl.replica.catalogue import Catalogue
from newscrawl.replica.http import JSON, Handler, Response, page_number
from newscrawl.sites.base import Section


class Resource(Protocol):
    """What this module uses of :class:`~newscrawl.replica.server.ReplicaResource`."""

    catalogue: Catalogue

    def not_found(self, base: str) -> Response: ...

    def html(self, text: str) -> Response: ...

    def article(self, request: Request, match: re.Match[str], base: str) -> Response: ...

API_PATH = "/api/section/{id}"
PLACEHOLDER = "/assets/img/placeholder.png"
MORE_LABEL = "المزيد"

# The listing script: plain ES5 + fetch, so any Chromium runs it; the entries it builds are the
# static listing's ``div.news-item`` markup (thumb, title link, summary, stamp).
_LIST_SCRIPT = """<script>
(function(){
var d=document,list=d.querySelector('div.news-list'),more=d.querySelector('button.load-more');
var api=list.getAttribute('data-api'),page=0,busy=false;
function node(tag,attrs,text){var n=d.createElement(tag);for(var k in attrs){n.setAttribute(k,attrs[k]);}
if(text!==undefined){n.textContent=text;}return n;}
function entry(e){var item=node('div',{'class':'news-item'});
var thumb=node('a',{'class':'thumb',href:e.url});thumb.appendChild(node('img',{src:e.thumb,alt:e.title}));
var h=node('h3',{'class':'news-title'});h.appendChild(node('a',{href:e.url},e.title));
[thumb,h,node('p',{'class':'news-summary'},e.summary),node('span',{'class':'news-date'},e.stamp)]
.forEach(function(c){item.appendChild(d.createTextNode('\\n'));item.appendChild(c);});
item.appendChild(d.createTextNode('\\n'));return item;}
function load(){if(busy){return;}busy=true;more.disabled=true;
fetch(api+'?page='+(page+1),{headers:{'Accept':'application/json'}}).then(function(r){
if(!r.ok){throw new Error('HTTP '+r.status);}return r.json();}).then(function(data){
data.items.forEach(function(e){list.appendChild(entry(e));list.appendChild(d.createTextNode('\\n'));});
page=data.page;busy=false;
if(data.page>=data.pages){more.remove();}else{more.hidden=false;more.disabled=false;}
}).catch(function(){busy=false;more.hidden=false;more.disabled=false;});}
more.addEventListener('click',load);load();
})();
</script>"""

_LAZY_SCRIPT = """<script>
document.querySelectorAll('img.lazy[data-src]').forEach(function(i){i.src=i.getAttribute('data-src');});
</script>"""

_FIGURE_IMG = re.compile(r'(<figure class="article-image">\s*<img )([^>]*?)src="([^"]*)"')
_OG_IMAGE = re.compile(r'<meta property="og:image(?::[a-z]+)?" content="[^"]*">')
_LD_IMAGE = re.compile(r', "image": "[^"]*"')


def render_sections(catalogue: Catalogue) -> tuple[Section, ...]:
    """The catalogue's sections served client-side (``Section.render``)."""
    return tuple(s for s in catalogue.sections if s.render and s.kind != "opinion")


def routes(resource: Resource) -> list[tuple[re.Pattern[str], Handler]]:
    """Routes to put in front of ``resource``'s own: the shells, the JSON feed, the lazy articles."""
    sections = render_sections(resource.catalogue)
    if not sections:
        return []
    site = resource.catalogue.site
    ids = "|".join(re.escape(s.id) for s in sections)
    shell = "^" + re.escape(site.section_path).replace(r"\{id\}", f"(?P<sid>{ids})") + "/?$"
    api = "^" + re.escape(API_PATH).replace(r"\{id\}", r"(?P<sid>[^/]+)") + "/?$"
    article = rf"^/(?P<section>{ids})/(?P<id>\d+)(?:-[^/]*)?/?$"
    return [
        (re.compile(shell), lambda request, match, base: listing_shell(resource, request, match, base)),
        (re.compile(api), lambda request, match, base: listing_json(resource, request, match, base)),
        (re.compile(article), lambda request, match, base: lazy_article(resource, request, match, base)),
    ]


def _section(resource: Resource, section_id: str) -> Section | None:
    section = resource.catalogue.section_by_id(section_id)
    return section if section is not None and section.render else None


def listing_shell(resource: Resource, request: Request, match: re.Match[str], base: str) -> Response:
    """The section page as served: chrome, an empty list, the hidden button and the script."""
    section = _section(resource, match["sid"])
    if section is None or page_number(request, resource.catalogue.site.page_param) != 1:
        return resource.not_found(base)
    return resource.html(shell_page(resource.catalogue, section, base))


def shell_page(cat: Catalogue, section: Section, base: str) -> str:
    """HTML of a client-side listing; no sidebar, so no article link of any kind reaches a non-browser."""
    api = API_PATH.format(id=section.id)
    main = (
        '<div class="container">\n'
        + pages._breadcrumb(cat, section, None)
        + '\n<div class="row"><div class="col-main">\n'
        f'<h1 class="section-title">{pages.esc(section.name)}</h1>\n'
        f'<div class="news-list" data-section="{pages.attr(section.id)}" data-api="{pages.attr(api)}">'
        "</div>\n"
        f'<button class="load-more btn" type="button" hidden>{pages.esc(MORE_LABEL)}</button>\n'
        f"<noscript><p>{pages.esc('يتطلب عرض الأخبار تفعيل جافاسكريبت')}</p></noscript>\n"
        f"{_LIST_SCRIPT}\n</div>\n</div></div>"
    )
    head = pages._head(cat, section.name, f"{section.name} - {cat.site.name}",
                       canonical=base + cat.site.listing_path(section))
    return pages._page(cat, head, main)


def listing_json(resource: Resource, request: Request, match: re.Match[str], base: str) -> Response:
    """``{"section", "page", "pages", "items": [{url, title, summary, stamp, thumb}]}``, newest first."""
    section = _section(resource, match["sid"])
    page = page_number(request, resource.catalogue.site.page_param)
    listing = resource.catalogue.listing(section, page) if section and page else None
    if listing is None:
        body = json.dumps({"error": "not found"}).encode()
        return Response(status=404, content_type=JSON, body=body)
    data = {
        "section": section.key if section else None,
        "page": listing.page,
        "pages": listing.pages,
        "items": [
            {
                "url": base + art.head.path,
                "title": art.head.title,
                "summary": art.summary,
                "stamp": art.head.listing_stamp,
                "thumb": art.head.thumb_path,
            }
            for art in listing.entries
        ],
    }
    return Response(content_type=JSON, body=json.dumps(data, ensure_ascii=False).encode("utf-8"),
                    headers={"cache-control": "no-cache"})


def lazy_article(resource: Resource, request: Request, match: re.Match[str], base: str) -> Response:
    """The regular article response, its main image made lazy (other responses pass unchanged)."""
    response = resource.article(request, match, base)
    if response.status != 200 or response.stream is not None:
        return response
    return replace(response, body=lazy_images(response.body.decode("utf-8")).encode("utf-8"))


def lazy_images(html: str) -> str:
    """The main image's URL moved to ``data-src``; ``og:image`` and JSON-LD ``image`` dropped."""
    html, found = _FIGURE_IMG.subn(
        lambda m: f'{m[1]}class="lazy" {m[2]}src="{PLACEHOLDER}" data-src="{m[3]}"', html, count=1
    )
    if not found:
        return html
    html = _OG_IMAGE.sub("", html)
    html = _LD_IMAGE.sub("", html, count=1)
    return html.replace("</body>", _LAZY_SCRIPT + "\n</body>", 1)
