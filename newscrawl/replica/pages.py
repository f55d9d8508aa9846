"""HTML of the replica's pages: pure functions of catalogue objects and the request's base URL.

The markup follows the crawler's selectors (``newscrawl/sites/base.py``) and carries the noise of the
real site around them: navigation, widgets, ads slots, inline scripts and CSS. Every line of visible
text is its own element (or ends with a newline), so a page's text reads top to bottom like the seed.
``base`` is ``http://host:port`` without a trailing slash; absolute links are built from it.
"""

from __future__ import annotations

import json
import zlib
from html import escape
from itertools import zip_longest

from newscrawl.replica import corpus
from newscrawl.replica.catalogue import Article, Catalogue, Chrome, ExtraEntry, Head, Listing, Writer
from newscrawl.sites.base import Section


def esc(text: str) -> str:
    """Text node escaping (quotes kept as typed: the seed's text must come back verbatim)."""
    return escape(text, quote=False)


def attr(text: str) -> str:
    return escape(text, quote=True)


def _hash(*parts: object) -> int:
    """Small stable hash for markup choices (which paragraph gets inline noise…)."""
    return zlib.crc32(":".join(map(str, parts)).encode())


# --- static furniture ---------------------------------------------------------------------------------
def _build_css() -> str:
    """Critical CSS inlined in the head, as the real CMS does (utility classes and components)."""
    rules = [
        "*{box-sizing:border-box}html{font-size:16px}body{margin:0;font-family:'Droid Arabic Kufi',"
        "Tahoma,Arial,sans-serif;color:#222;background:#f4f4f4;direction:rtl;text-align:right}",
        "a{color:#0a3d62;text-decoration:none}a:hover{color:#c0392b}img{max-width:100%;height:auto}",
        ".container{max-width:1170px;margin:0 auto;padding:0 15px}.row{display:flex;flex-wrap:wrap;"
        "margin:0 -15px}.col-main{flex:0 0 70%;max-width:70%;padding:0 15px}.col-side{flex:0 0 30%;"
        "max-width:30%;padding:0 15px}",
        ".site-header{background:#fff;border-bottom:3px solid #b71c1c}.top-bar{background:#222;color:#ddd;"
        "font-size:13px;line-height:32px}.header-date{display:inline-block}.logo-bar{display:flex;"
        "align-items:center;justify-content:space-between;padding:12px 0}",
        ".main-nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap}.main-nav li a{"
        "display:block;padding:10px 14px;font-weight:700;color:#222}.main-nav li a:hover{background:#b71c1c;"
        "color:#fff}",
        ".breaking-news{display:flex;background:#fff;border:1px solid #e5e5e5;margin:10px 0;overflow:hidden}"
        ".breaking-news ul{display:flex;list-style:none;margin:0;padding:0;white-space:nowrap}"
        ".breaking-label{background:#b71c1c;color:#fff;padding:8px 12px;font-weight:700}",
        ".breadcrumb{font-size:13px;color:#777;margin:12px 0}.article{background:#fff;padding:20px;"
        "margin-bottom:20px}.article-title{font-size:28px;line-height:1.5;margin:0 0 10px}",
        ".article-meta{color:#888;font-size:13px}.site-label{color:#b71c1c;font-weight:700}"
        ".article-subtitle{font-size:18px;color:#555;font-weight:400}",
        ".article-image figcaption{font-size:13px;color:#666;padding:6px 0}.image-title{display:none}"
        ".article-body{font-size:18px;line-height:2}.article-body p{margin:0 0 16px}"
        ".dateline{font-weight:700}",
        ".headline-repeat{display:none}.share-buttons{display:flex;gap:6px;margin:12px 0}.share-buttons a{"
        "display:inline-flex;width:34px;height:34px;border-radius:50%;align-items:center;justify-content:center;"
        "background:#eee}",
        ".related-news,.most-read,.widget{background:#fff;padding:15px;margin-bottom:20px}.block-title{"
        "border-right:4px solid #b71c1c;padding-right:10px;font-size:18px}",
        ".news-list .news-item{display:grid;grid-template-columns:200px 1fr;gap:12px;background:#fff;"
        "padding:12px;margin-bottom:12px}.news-title{font-size:18px;margin:0}.news-summary{color:#555}"
        ".news-date{font-size:12px;color:#999;direction:ltr;unicode-bidi:embed}",
        ".pagination{display:flex;gap:4px;justify-content:center;margin:20px 0}"
        ".pagination a,.pagination span{"
        "padding:6px 12px;background:#fff;border:1px solid #ddd}.pagination .current{background:#b71c1c;"
        "color:#fff}",
        ".comment-form{background:#fff;padding:20px;margin-bottom:20px}.comment-form input,.comment-form "
        "textarea{width:100%;padding:8px;border:1px solid #ccc}.terms-text{font-size:12px;color:#777}",
        ".site-footer{background:#1b1b1b;color:#aaa;padding:30px 0;font-size:13px}.site-footer a{color:#ddd}"
        ".footer-nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:12px;padding:0}",
        ".ad-slot{background:#fafafa;text-align:center;min-height:90px;margin:10px auto}"
        ".ad-mpu{min-height:250px}"
        ".ad-leaderboard{width:728px;max-width:100%}",
        ".writer-box{display:flex;align-items:center;gap:10px;margin:12px 0}.writer-box img{width:70px;"
        "height:70px;border-radius:50%}.writer-name{font-weight:700;font-size:18px}",
        "@media (max-width:991px){.col-main,.col-side{flex:0 0 100%;max-width:100%}.news-list .news-item{"
        "grid-template-columns:1fr}.ad-leaderboard{display:none}}",
    ]
    spacing = [
        (f"m{side}", prop) for side, prop in (("t", "top"), ("b", "bottom"), ("r", "right"), ("l", "left"))
    ]
    for prefix, prop in spacing:
        rules.append("".join(f".{prefix}-{k}{{margin-{prop}:{k * 4}px!important}}" for k in range(13)))
        rules.append("".join(f".p{prefix[1]}-{k}{{padding-{prop}:{k * 4}px!important}}" for k in range(13)))
    rules.append("".join(f".fs-{k}{{font-size:{k}px!important}}" for k in range(10, 33)))
    rules.append(
        "".join(
            f".col-{k}{{flex:0 0 {k * 100 / 12:.4f}%;max-width:{k * 100 / 12:.4f}%}}" for k in range(1, 13)
        )
    )
    return "\n".join(rules)


CSS = _build_css()

_HEAD_ASSETS = """<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>
<link rel="dns-prefetch" href="//securepubads.g.doubleclick.net">
<link rel="dns-prefetch" href="//www.googletagmanager.com">
<link rel="icon" type="image/x-icon" href="/assets/img/favicon.ico">
<link rel="apple-touch-icon" sizes="180x180" href="/assets/img/apple-touch-icon.png">
<link rel="manifest" href="/assets/site.webmanifest">
<link rel="stylesheet" href="/assets/css/bootstrap.rtl.min.css?v=4.6.2">
<link rel="stylesheet" href="/assets/css/fontawesome.min.css?v=5.15.4">
<link rel="stylesheet" href="/assets/css/swiper-bundle.min.css?v=8.4.7">
<link rel="stylesheet" href="/assets/css/style.css?v=20250418">
<link rel="stylesheet" href="/assets/css/responsive.css?v=20250418">
<link rel="preload" as="font" type="font/woff2" href="/assets/fonts/DroidKufi-Regular.woff2" crossorigin>"""

_HEAD_SCRIPTS = """<script>
window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}
gtag('js',new Date());
gtag('config','G-ATD0000000',{'anonymize_ip':true,'cookie_flags':'SameSite=None;Secure'});
</script>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-ATD0000000"></script>
<script async src="https://securepubads.g.doubleclick.net/tag/js/gpt.js"></script>
<script>
window.googletag=window.googletag||{cmd:[]};
googletag.cmd.push(function(){
 var mapping=googletag.sizeMapping().addSize([1024,0],[[728,90],[970,90]])
  .addSize([0,0],[[320,50],[320,100]]).build();
 googletag.defineSlot('/21700000000/arabstoday/header',[[728,90],[970,90],[320,50]],'div-gpt-ad-header').defineSizeMapping(mapping).addService(googletag.pubads());
 googletag.defineSlot('/21700000000/arabstoday/mpu1',[[300,250],[300,600]],'div-gpt-ad-mpu1').addService(googletag.pubads());
 googletag.defineSlot('/21700000000/arabstoday/mpu2',[[300,250]],'div-gpt-ad-mpu2').addService(googletag.pubads());
 googletag.defineSlot('/21700000000/arabstoday/incontent',[[300,250],[336,280]],'div-gpt-ad-incontent').addService(googletag.pubads());
 googletag.defineOutOfPageSlot('/21700000000/arabstoday/interstitial',googletag.enums.OutOfPageFormat.INTERSTITIAL);
 googletag.pubads().enableSingleRequest();googletag.pubads().collapseEmptyDivs();
 googletag.pubads().setTargeting('site','arabstoday').setTargeting('lang','ar');
 googletag.enableServices();
});
</script>"""

_BODY_SCRIPTS = """<script src="/assets/js/jquery-3.6.0.min.js"></script>
<script src="/assets/js/bootstrap.bundle.min.js?v=4.6.2"></script>
<script src="/assets/js/swiper-bundle.min.js?v=8.4.7"></script>
<script src="/assets/js/lazysizes.min.js"></script>
<script src="/assets/js/main.js?v=20250418"></script>
<script>
(function(){var d=document,b=d.querySelector('.breaking-news ul');if(b){var w=0;setInterval(function(){
w=(w+1)%b.children.length;b.style.transform='translateX('+(w*100)+'%)';},4000);}
var c=d.getElementById('comment-body'),n=d.getElementById('chars-count');if(c&&n){c.addEventListener('input',
function(){n.textContent=(1000-c.value.length);});}
d.querySelectorAll('img[data-src]').forEach(function(i){i.src=i.getAttribute('data-src');});
var t=d.querySelector('.back-to-top');if(t){window.addEventListener('scroll',function(){
t.style.display=window.scrollY>600?'block':'none';});}})();
</script>
<script>
!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?n.callMethod.apply(n,arguments)
:n.queue.push(arguments)};if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];
t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}
(window,document,'script','https://connect.facebook.net/en_US/fbevents.js');fbq('init','100000000000000');
fbq('track','PageView');
</script>"""

_ICONS = {
    "facebook": (
        "M22 12a10 10 0 1 0-11.6 9.9v-7H7.9V12h2.5V9.8c0-2.5 1.5-3.9 3.8-3.9 1.1 0 2.2.2 2.2.2v2.5h"
        "-1.3c-1.2 0-1.6.8-1.6 1.6V12h2.8l-.4 2.9h-2.3v7A10 10 0 0 0 22 12z"
    ),
    "twitter": (
        "M18.2 2.3h3.3l-7.2 8.3 8.5 11.2h-6.7l-5.2-6.8-6 6.8H1.6l7.7-8.8L1.2 2.3H8l4.7 6.2 5.5-6.2z"
        "m-1.2 17.5h1.8L7.1 4.2H5.1l11.9 15.6z"
    ),
    "whatsapp": (
        "M17.5 14.4c-.3-.1-1.8-.9-2-1-.3-.1-.5-.1-.7.1-.2.3-.8 1-.9 1.2-.2.2-.3.2-.6.1-.3-.1-1.2-.5"
        "-2.4-1.5-.9-.8-1.5-1.8-1.6-2.1-.2-.3 0-.5.1-.6l.4-.5c.2-.2.2-.3.3-.5.1-.2 0-.4 0-.5l-.9-2."
        "2c-.2-.6-.5-.5-.7-.5h-.6c-.2 0-.5.1-.8.4-.3.3-1 1-1 2.5s1.1 2.9 1.2 3.1c.1.2 2.1 3.2 5.1 4"
        ".5 2.5 1 3 .8 3.6.8.5-.1 1.8-.7 2-1.4.2-.7.2-1.3.2-1.4-.1-.2-.3-.3-.6-.4z"
    ),
    "telegram": (
        "M9.8 15.5l-.4 5.3c.6 0 .8-.2 1.1-.5l2.6-2.5 5.4 4c1 .6 1.7.3 2-.9l3.6-17c.3-1.5-.5-2.1-1.5"
        "-1.7L1.4 10.4c-1.4.6-1.4 1.4-.2 1.7l5.4 1.7L19 5.9c.6-.4 1.1-.2.7.2z"
    ),
    "print": (
        "M19 8H5a3 3 0 0 0-3 3v6h4v4h12v-4h4v-6a3 3 0 0 0-3-3zm-3 11H8v-5h8v5zm3-7a1 1 0 1 1 0-2 1 "
        "1 0 0 1 0 2zM18 3H6v4h12V3z"
    ),
}


def _share_buttons(url: str) -> str:
    links = []
    for name, path in _ICONS.items():
        href = "javascript:window.print()" if name == "print" else f"https://share.example/{name}?u={url}"
        links.append(
            f'<a class="share-{name}" href="{attr(href)}" rel="nofollow noopener" aria-label="{name}">'
            f'<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path d="{path}"/></svg></a>'
        )
    return '<div class="share-buttons">' + "".join(links) + "</div>"


def _ad(slot: str, kind: str = "mpu") -> str:
    return (
        f'<div class="ad-slot ad-{kind}"><div id="div-gpt-ad-{slot}">'
        f"<script>googletag.cmd.push(function(){{googletag.display('div-gpt-ad-{slot}');}});</script>"
        "</div></div>"
    )


# --- shared blocks --------------------------------------------------------------------------------------
def _listing_href(cat: Catalogue, section: Section, page: int = 1) -> str:
    path = cat.site.listing_path(section)
    return path if page == 1 else f"{path}?{cat.site.page_param}={page}"


def _head(
    cat: Catalogue,
    title: str,
    description: str,
    *,
    canonical: str | None = None,
    amphtml: str | None = None,
    og_image: str | None = None,
    og_type: str = "website",
    json_ld: dict[str, object] | None = None,
) -> str:
    brand = cat.site.name
    meta = [
        '<meta charset="utf-8">',
        f"<title>{esc(title)} | {esc(brand)}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no">',
        '<meta http-equiv="X-UA-Compatible" content="IE=edge">',
        f'<meta name="description" content="{attr(description)}">',
        f'<meta name="keywords" content="{attr("، ".join([brand, *title.split()[:6]]))}">',
        '<meta name="robots" content="index, follow, max-image-preview:large">',
        '<meta name="theme-color" content="#b71c1c">',
        f'<meta property="og:site_name" content="{attr(brand)}">',
        '<meta property="og:locale" content="ar_AR">',
        f'<meta property="og:type" content="{og_type}">',
        f'<meta property="og:title" content="{attr(title)}">',
        f'<meta property="og:description" content="{attr(description)}">',
    ]
    if og_image:
        meta.append(f'<meta property="og:image" content="{attr(og_image)}">')
        meta.append(
            '<meta property="og:image:width" content="800"><meta property="og:image:height" content="450">'
        )
    if canonical:
        meta.append(f'<meta property="og:url" content="{attr(canonical)}">')
    meta += [
        '<meta name="twitter:card" content="summary_large_image">',
        '<meta name="twitter:site" content="@arabstoday">',
        f'<meta name="twitter:title" content="{attr(title)}">',
        '<meta property="fb:app_id" content="100000000000000">',
    ]
    if canonical:
        meta.append(f'<link rel="canonical" href="{attr(canonical)}">')
    if amphtml:
        meta.append(f'<link rel="amphtml" href="{attr(amphtml)}">')
    meta.append(_HEAD_ASSETS)
    meta.append(f"<style>\n{CSS}\n</style>")
    if json_ld:
        data = json.dumps(json_ld, ensure_ascii=False).replace("</", "<\\/")
        meta.append(f'<script type="application/ld+json">{data}</script>')
    meta.append(_HEAD_SCRIPTS)
    return "<head>\n" + "\n".join(meta) + "\n</head>"


def _header(cat: Catalogue, header_date: bool) -> str:
    date = f'<div class="header-date">{esc(corpus.HEADER_DATE)}</div>\n' if header_date else ""
    nav = [f'<li><a href="/">{esc(corpus.HOME_LABEL)}</a></li>']
    for section in cat.sections:
        nav.append(f'<li><a href="{_listing_href(cat, section)}">{esc(section.name)}</a></li>')
    return (
        '<header class="site-header">\n<div class="top-bar"><div class="container">\n'
        f"{date}"
        '<ul class="social-links"><li><a href="https://www.facebook.com/arabstoday" rel="nofollow" '
        'aria-label="facebook"><i class="fab fa-facebook-f"></i></a></li><li><a href="https://twitter.com/'
        'arabstoday" rel="nofollow" aria-label="twitter"><i class="fab fa-twitter"></i></a></li><li><a href='
        '"https://www.youtube.com/arabstoday" rel="nofollow" aria-label="youtube"><i class="fab fa-youtube">'
        "</i></a></li></ul>\n</div></div>\n"
        '<div class="container logo-bar"><a class="logo" href="/"><img src="/assets/img/logo.png" '
        f'alt="{attr(cat.site.name)}" width="260" height="70"></a>\n{_ad("header", "leaderboard")}\n</div>\n'
        '<nav class="main-nav"><div class="container"><ul>\n'
        + "\n".join(nav)
        + "\n</ul></div></nav>\n</header>"
    )


def _ticker(base: str, heads: tuple[Head, ...]) -> str:
    if not heads:
        return ""
    items = "\n".join(f'<li><a href="{attr(base + h.path)}">{esc(h.title)}</a></li>' for h in heads)
    return (
        f'<div class="breaking-news container"><ul>\n{items}\n</ul>\n'
        f'<span class="breaking-label">{esc(corpus.TICKER_LABEL)}</span></div>'
    )


def _head_items(base: str, heads: list[Head] | tuple[Head, ...], stamps: bool = False) -> str:
    lines = []
    for h in heads:
        stamp = f'<span class="news-date">{esc(h.listing_stamp)}</span>\n' if stamps else ""
        lines.append(
            f'<li><a class="thumb" href="{attr(base + h.path)}"><img data-src="{h.thumb_path}" '
            f'src="/assets/img/placeholder.png" alt="{attr(h.title)}" width="90" height="60"></a>\n'
            f'{stamp}<a href="{attr(base + h.path)}">{esc(h.title)}</a></li>'
        )
    return "\n".join(lines)


def _most_read(cat: Catalogue, base: str) -> str:
    return (
        f'<aside class="most-read widget">\n<h3 class="block-title">{esc(corpus.MOST_READ_LABEL)}</h3>\n'
        f"<ol>\n{_head_items(base, cat.most_read)}\n</ol>\n</aside>"
    )


def _latest_widget(cat: Catalogue, base: str, section: Section | None = None) -> str:
    heads = cat.section_latest(section, 6) if section else cat.latest(6)
    return (
        f'<div class="widget latest-widget">\n<h3 class="block-title">{esc(corpus.LATEST_LABEL)}</h3>\n'
        f"<ul>\n{_head_items(base, heads, stamps=True)}\n</ul>\n</div>"
    )


def _sidebar(cat: Catalogue, base: str, section: Section | None = None) -> str:
    return (
        f'<div class="col-side">\n{_ad("mpu1")}\n{_most_read(cat, base)}\n'
        f"{_latest_widget(cat, base, section)}\n"
        f"{_ad('mpu2')}\n</div>"
    )


_FORM_KINDS = (
    "name",
    "email",
    "subject",
    "comment",
    "chars",
    "required",
    "terms-link",
    "terms",
    "agree",
    "captcha",
)


def _comment_form(chrome: Chrome, article_id: str) -> str:
    """The comment form, its labels from the seed page (one visible line each)."""
    rows = []
    for kind, line in zip_longest(_FORM_KINDS, chrome.form_lines):
        if line is None:
            continue
        text = esc(line)
        if kind in ("name", "email", "subject"):
            kind_attr = "email" if kind == "email" else "text"
            rows.append(
                f'<div class="form-group"><label for="c-{kind}">{text}</label>\n'
                f'<input type="{kind_attr}" id="c-{kind}" name="{kind}" required></div>'
            )
        elif kind == "comment":
            rows.append(
                f'<div class="form-group"><label for="comment-body">{text}</label>\n'
                '<textarea id="comment-body" name="comment" rows="5" maxlength="1000" required>'
                "</textarea></div>"
            )
        elif kind == "chars":
            rows.append(f'<div class="chars-left"><span id="chars-count"></span>{text}</div>')
        elif kind == "terms-link":
            rows.append(f'<a class="terms-link" href="/terms" data-toggle="modal">{text}</a>')
        elif kind == "terms":
            rows.append(f'<div class="terms-text">{text}</div>')
        elif kind == "agree":
            rows.append(f'<label class="agree"><input type="checkbox" name="agree" required> {text}</label>')
        elif kind == "captcha":
            rows.append(
                f'<div class="form-group captcha"><label for="c-captcha">{text}</label>\n'
                '<img src="/assets/img/captcha.png" alt="" width="120" height="40">'
                '<input type="text" id="c-captcha" name="captcha" required></div>'
            )
        else:
            rows.append(f'<p class="form-note">{text}</p>')
    return (
        f'<form class="comment-form" action="/comments/{article_id}" method="post">\n'
        + "\n".join(rows)
        + '\n<input type="submit" class="btn" value="إرسال">\n</form>'
    )


def _footer(cat: Catalogue) -> str:
    nav = "\n".join(f'<li><a href="{_listing_href(cat, s)}">{esc(s.name)}</a></li>' for s in cat.sections)
    lines = "\n".join(f'<p class="footer-line">{esc(line)}</p>' for line in cat.chrome.footer_lines)
    return (
        f'<div class="network-links container"><a href="https://www.syria-24.com/" rel="nofollow">'
        f"{esc(cat.chrome.network_line)}</a></div>\n"
        '<footer class="site-footer"><div class="container">\n'
        f'<nav class="footer-nav"><ul>\n{nav}\n</ul></nav>\n{lines}\n'
        '<a class="back-to-top" href="#" aria-label="top"><i class="fa fa-arrow-up"></i></a>\n'
        "</div></footer>"
    )


def _document(head: str, body: str, *, amp: bool = False) -> str:
    html_attrs = 'amp lang="ar" dir="rtl"' if amp else 'lang="ar" dir="rtl"'
    return f"<!DOCTYPE html>\n<html {html_attrs}>\n{head}\n<body>\n{body}\n</body>\n</html>\n"


def _page(cat: Catalogue, head: str, main: str, *, header_date: bool = False, ticker: str = "") -> str:
    body = "\n".join(x for x in (_header(cat, header_date), ticker, main, _footer(cat), _BODY_SCRIPTS) if x)
    return _document(head, body)


# --- article pages ----------------------------------------------------------------------------------------
def _strip_parentheses(title: str) -> str:
    return " ".join(title.replace("(", " ").replace(")", " ").split())


def _breadcrumb(cat: Catalogue, section: Section, title: str | None) -> str:
    parts = [
        f'<a href="/">{esc(corpus.HOME_LABEL)}</a>',
        f'<a href="{_listing_href(cat, section)}">{esc(section.name)}</a>',
    ]
    if title is not None:
        parts.append(f"<span>{esc(_strip_parentheses(title))}</span>")
    return '<div class="breadcrumb">' + " » ".join(parts) + "</div>"


def _paragraph(cat: Catalogue, art: Article, k: int, base: str) -> str:
    """One body paragraph; some get inline markup or invisible noise that normalizes away.

    Noise keeps the paragraph's normalized text equal to the manifest's: an NBSP, a ``<br>`` next to a
    space, an RLM mark, ``<strong>`` around a sentence or a link around two words.
    """
    sentences = art.paragraphs[k]
    parts = [esc(s) for s in sentences]
    if art.is_seed:
        return "<p>" + " ".join(parts) + "</p>"
    mode = _hash(art.head.article_id, k) % 12
    joiners = [" "] * (len(parts) - 1)
    if mode == 0 and joiners:
        joiners[0] = "&nbsp;"
    elif mode == 1 and joiners:
        joiners[0] = " <br>"
    elif mode == 2 and joiners:
        joiners[0] = "\u200f "
    elif mode == 3:
        parts[0] = f"<strong>{parts[0]}</strong>"
    elif mode == 4:
        words = sentences[0].split(" ")
        if len(words) >= 4:
            href = attr(base + _listing_href(cat, art.head.section))
            parts[0] = (
                f'{esc(words[0])} <a href="{href}">{esc(" ".join(words[1:3]))}</a> {esc(" ".join(words[3:]))}'
            )
    return "<p>" + parts[0] + "".join(j + p for j, p in zip(joiners, parts[1:], strict=True)) + "</p>"


def _json_ld(cat: Catalogue, art: Article, base: str) -> dict[str, object]:
    head = art.head
    if head.writer or art.author not in (*corpus.AGENCIES, corpus.BRAND, corpus.SISTER_BRAND):
        author: dict[str, str] = {"@type": "Person", "name": art.author}
    else:
        author = {"@type": "Organization", "name": art.author}
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": base + head.path},
        "headline": head.title,
        "articleSection": head.section.name,
        "author": author,
        "publisher": {
            "@type": "Organization",
            "name": cat.site.name,
            "logo": {"@type": "ImageObject", "url": base + "/assets/img/logo.png"},
        },
        "inLanguage": "ar",
    }
    if art.image_path:
        data["image"] = base + art.image_path
    if art.subtitle:
        data["description"] = art.subtitle
    if art.missing == "dateline":  # a missing_fields page: no author anywhere on it
        del data["author"]
    return data


def _related(base: str, art: Article) -> str:
    if not art.related:
        return ""
    heading = f'<h3 class="block-title">{esc(art.related_heading)}</h3>\n' if art.related_heading else ""
    items = []
    for item in art.related:
        href = attr(base + item.path) if item.path else "#"
        if item.dateline is not None:  # the featured item of a latest-news list
            items.append(
                f'<li class="featured"><a href="{href}">{esc(item.title)}</a>\n'
                f'<p class="item-dateline">{esc(item.dateline)}</p></li>'
            )
        elif item.stamp:
            items.append(
                f'<li><span class="news-date">{esc(item.stamp)}</span>\n'
                f'<a href="{href}">{esc(item.title)}</a></li>'
            )
        else:
            items.append(f'<li><a href="{href}">{esc(item.title)}</a></li>')
    return '<section class="related-news">\n' + heading + "<ul>\n" + "\n".join(items) + "\n</ul>\n</section>"


def article_page(cat: Catalogue, art: Article, base: str) -> str:
    """The article page, in the order of the markup contract (the seed page: its list after the form)."""
    head = art.head
    canonical = base + head.path
    image = base + art.image_path if art.image_path else None
    label = f" {cat.site.brand} -"
    title = esc(head.title)
    out = [
        _breadcrumb(cat, head.section, head.title),
        f'<div class="container"><div class="row"><div class="col-main">\n'
        f'<article class="article" data-article-id="{head.article_id}">',
        f'<h1 class="article-title">{title}</h1>',
    ]
    if head.updated_raw:
        out.append(
            f'<div class="article-meta"><span class="last-update">{esc(head.updated_raw)}</span></div>'
        )
    out.append(f'<div class="site-label">{esc(label)}</div>')
    if art.subtitle:
        out.append(f'<h2 class="article-subtitle">{esc(art.subtitle)}</h2>')
    out.append(_share_buttons(canonical))
    out.append(f'<div class="headline-repeat"><h3>{title}</h3>\n<span>{esc(label)}</span></div>')
    if image:
        out.append(
            f'<figure class="article-image"><img src="{attr(image)}" alt="{attr(head.title)}" '
            'width="800" height="450">\n'
            f'<div class="image-title">{esc(label)} {title}</div>\n'
            f"<figcaption>{esc(art.image_caption or '')}</figcaption></figure>"
        )
    if head.writer:
        writer: Writer = head.writer
        out.append(
            f'<div class="writer-box"><a href="{writer.path}"><img src="/uploads/writers/{writer.id}.jpg" '
            f'alt="{attr(writer.name)}" width="70" height="70">\n'
            f'<span class="writer-name">{esc(writer.name)}</span>'
            "</a></div>"
        )
    body = []
    if art.dateline:
        body.append(f'<p class="dateline">{esc(art.dateline)}</p>')
    if art.byline:
        body.append(f'<p class="byline">{esc(art.byline)}</p>')
    for k in range(len(art.paragraphs)):
        body.append(_paragraph(cat, art, k, base))
        if k == 1 and not art.is_seed:
            body.append(_ad("incontent"))
    out.append('<div class="article-body">\n' + "\n".join(body) + "\n</div>")
    out.append('<div class="article-source">arabstoday</div>\n</article>')
    related = _related(base, art)
    form = _comment_form(cat.chrome, head.article_id)
    twice = f'<div class="share-title">{title} {title}</div>'
    if art.related_after_form:
        out += [form, twice, related]
    else:
        out += [related, form, twice]
    out.append("</div>")  # col-main
    out.append(_sidebar(cat, base, head.section))
    out.append("</div></div>")
    page_head = _head(
        cat,
        head.title,
        art.subtitle or art.summary,
        canonical=canonical,
        amphtml=base + head.amp_path,
        og_image=image,
        og_type="article",
        json_ld=_json_ld(cat, art, base),
    )
    main = "\n".join(x for x in out if x)
    return _page(cat, page_head, main, header_date=art.header_date, ticker=_ticker(base, art.ticker))


_AMP_BOILERPLATE = (
    "<style amp-boilerplate>body{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both;animation:"
    "-amp-start 8s steps(1,end) 0s 1 normal both}@keyframes -amp-start{from{visibility:hidden}to{visibility:"
    "visible}}</style><noscript><style amp-boilerplate>body{-webkit-animation:none;animation:none}</style>"
    "</noscript>"
)


def amp_page(cat: Catalogue, art: Article, base: str) -> str:
    """The AMP copy: simpler markup, canonical to the regular page, no update stamp."""
    head = art.head
    data = json.dumps(_json_ld(cat, art, base), ensure_ascii=False).replace("</", "<\\/")
    page_head = (
        '<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(head.title)} | {esc(cat.site.name)}</title>\n"
        f'<link rel="canonical" href="{attr(base + head.path)}">\n'
        '<meta name="viewport" content="width=device-width,minimum-scale=1,initial-scale=1">\n'
        '<script async src="https://cdn.ampproject.org/v0.js"></script>\n'
        f"{_AMP_BOILERPLATE}\n"
        "<style amp-custom>body{font-family:Tahoma,Arial,sans-serif;direction:rtl;margin:0 12px}"
        ".breadcrumb{font-size:13px;color:#777;margin:10px 0}.article-title{font-size:24px}"
        ".article-body p{line-height:1.9}figcaption{font-size:13px;color:#666}</style>\n"
        f'<script type="application/ld+json">{data}</script>\n</head>'
    )
    parts = [
        f'<header class="amp-header"><a href="/"><amp-img src="/assets/img/logo.png" width="180" height="48" '
        f'alt="{attr(cat.site.name)}"></amp-img></a></header>',
        _breadcrumb(cat, head.section, None),
        f'<article class="article" data-article-id="{head.article_id}">',
        f'<h1 class="article-title">{esc(head.title)}</h1>',
    ]
    if art.image_path:
        parts.append(
            f'<figure class="article-image"><amp-img src="{attr(base + art.image_path)}" '
            'width="800" height="450" '
            f'layout="responsive" alt="{attr(head.title)}"></amp-img>\n'
            f"<figcaption>{esc(art.image_caption or '')}</figcaption></figure>"
        )
    body = []
    if art.dateline:
        body.append(f'<p class="dateline">{esc(art.dateline)}</p>')
    if art.byline:
        body.append(f'<p class="byline">{esc(art.byline)}</p>')
    body += ["<p>" + esc(" ".join(s)) + "</p>" for s in art.paragraphs]
    parts.append('<div class="article-body">\n' + "\n".join(body) + "\n</div>\n</article>")
    lines = "\n".join(f"<p>{esc(line)}</p>" for line in cat.chrome.footer_lines[:2])
    parts.append(f'<footer class="amp-footer">\n{lines}\n</footer>')
    return _document(page_head, "\n".join(parts), amp=True)


# --- listings, home, errors ---------------------------------------------------------------------------
def _pagination(cat: Catalogue, listing: Listing) -> str:
    """Page links; a pagination trap (past the last page too) always offers the next one."""
    section, page, pages = listing.section, listing.page, max(listing.pages, listing.page)
    links = []
    if page > 1:
        links.append(
            f'<a rel="prev" class="prev" href="{_listing_href(cat, section, page - 1)}">'
            f"{esc(corpus.PREV_LABEL)}</a>"
        )
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    previous = 0
    for number in shown:
        if number - previous > 1:
            links.append('<span class="dots">…</span>')
        if number == page:
            links.append(f'<span class="current">{number}</span>')
        else:
            links.append(f'<a class="page" href="{_listing_href(cat, section, number)}">{number}</a>')
        previous = number
    if page < pages or listing.trap:
        links.append(
            f'<a rel="next" class="next" href="{_listing_href(cat, section, page + 1)}">'
            f"{esc(corpus.NEXT_LABEL)}</a>"
        )
    return '<div class="pagination">\n' + "\n".join(links) + "\n</div>"


def _news_item(base: str, art: Article, stamp: str | None = None) -> str:
    """A listing entry of an article; ``stamp`` overrides the printed one (a bad_dates fault)."""
    head = art.head
    stamp = stamp or head.listing_stamp
    entry = ExtraEntry("article", head.path, head.title, art.summary, stamp, head.thumb_path)
    return _entry_item(base, entry)


def _entry_item(base: str, entry: ExtraEntry) -> str:
    url = attr(base + entry.href)
    return (
        '<div class="news-item">\n'
        f'<a class="thumb" href="{url}"><img src="{entry.thumb}" alt="{attr(entry.title)}"></a>\n'
        f'<h3 class="news-title"><a href="{url}">{esc(entry.title)}</a></h3>\n'
        f'<p class="news-summary">{esc(entry.summary)}</p>\n'
        f'<span class="news-date">{esc(entry.stamp)}</span>\n'
        "</div>"
    )


def _listing_items(base: str, listing: Listing) -> str:
    """The entries of a listing page, with the extra ones faults put among them and after them."""
    stamps = listing.stamps or tuple(art.head.listing_stamp for art in listing.entries)
    inserts = list(listing.inserts)
    items = []
    for k, art in enumerate(listing.entries):
        while inserts and inserts[0][0] <= k:
            items.append(_entry_item(base, inserts.pop(0)[1]))
        items.append(_news_item(base, art, stamps[k]))
    items += [_entry_item(base, entry) for _, entry in inserts]
    if listing.block:
        items.append(
            f'<div class="most-read-inline">\n<h4 class="block-title">{esc(corpus.MOST_READ_LABEL)}</h4>\n'
            + "\n".join(_entry_item(base, entry) for entry in listing.block)
            + "\n</div>"
        )
    return "\n".join(items)


def listing_page(cat: Catalogue, listing: Listing, base: str) -> str:
    """A section (or writers') listing page: ``div.news-list`` entries and the pagination."""
    section = listing.section
    title = section.name if listing.page == 1 else f"{section.name} - صفحة {listing.page}"
    canonical = base + _listing_href(cat, section, listing.page)
    items = _listing_items(base, listing)
    main = (
        '<div class="container">\n'
        + _breadcrumb(cat, section, None)
        + '\n<div class="row"><div class="col-main">\n'
        f'<h1 class="section-title">{esc(section.name)}</h1>\n'
        f'<div class="news-list">\n{items}\n</div>\n{_pagination(cat, listing)}\n</div>\n'
        f"{_sidebar(cat, base)}\n</div></div>"
    )
    return _page(cat, _head(cat, title, f"{section.name} - {cat.site.name}", canonical=canonical), main)


def writer_page(cat: Catalogue, writer: Writer, heads: list[Head], base: str) -> str:
    """A columnist's page: the writer box and the newest columns (no pagination)."""
    items = "\n".join(_news_item(base, cat.article(h.index), cat.printed_stamp(h)) for h in heads)
    main = (
        '<div class="container"><div class="row"><div class="col-main">\n'
        f'<div class="writer-box"><img src="/uploads/writers/{writer.id}.jpg" alt="{attr(writer.name)}">\n'
        f'<h1 class="writer-name">{esc(writer.name)}</h1></div>\n'
        f'<div class="writer-columns">\n{items}\n</div>\n</div>\n{_sidebar(cat, base)}\n</div></div>'
    )
    return _page(cat, _head(cat, writer.name, writer.name, canonical=base + writer.path), main)


def home_page(cat: Catalogue, base: str) -> str:
    """The home page: navigation to every section listing, the latest articles, a block per section."""
    latest = cat.latest(12)
    lead = (
        '<div class="home-latest">\n'
        + "\n".join(
            f'<div class="home-item"><a href="{attr(base + h.path)}">'
            f'<img src="{h.thumb_path}" alt="{attr(h.title)}">'
            f'</a>\n<h3><a href="{attr(base + h.path)}">{esc(h.title)}</a></h3></div>'
            for h in latest
        )
        + "\n</div>"
    )
    blocks = []
    for section in cat.sections:
        heads = cat.section_latest(section, 4)
        blocks.append(
            f'<section class="home-section" data-section="{section.key}">\n'
            f'<h2 class="block-title"><a href="{_listing_href(cat, section)}">{esc(section.name)}</a></h2>\n'
            f"<ul>\n{_head_items(base, heads)}\n</ul>\n"
            f'<a class="more" href="{_listing_href(cat, section)}">المزيد</a>\n</section>'
        )
    main = (
        '<div class="container"><div class="row"><div class="col-main">\n'
        f"{lead}\n" + "\n".join(blocks) + f"\n</div>\n{_sidebar(cat, base)}\n</div></div>"
    )
    head = _head(cat, cat.site.name, "موقع العرب اليوم: أخبار عربية وعالمية", canonical=base + "/")
    return _page(cat, head, main, header_date=True, ticker=_ticker(base, tuple(latest[:6])))


def not_found_page(cat: Catalogue, base: str) -> str:
    """The site's 404 page (served with status 404)."""
    main = (
        '<div class="container"><div class="row"><div class="col-main">\n<div class="error-page">\n'
        f"<h1>404</h1>\n<h2>{esc(corpus.NOT_FOUND_TITLE)}</h2>\n<p>{esc(corpus.NOT_FOUND_TEXT)}</p>\n"
        f'<a class="btn" href="/">العودة إلى {esc(corpus.HOME_LABEL)}</a>\n</div>\n</div>\n'
        f"{_sidebar(cat, base)}\n</div></div>"
    )
    return _page(cat, _head(cat, corpus.NOT_FOUND_TITLE, corpus.NOT_FOUND_TEXT), main)


def robots_txt() -> str:
    """Allow the crawl; only search and admin are off limits."""
    return "User-agent: *\nDisallow: /search\nDisallow: /admin/\n"


__all__ = [
    "amp_page",
    "article_page",
    "home_page",
    "listing_page",
    "not_found_page",
    "robots_txt",
    "writer_page",
]
