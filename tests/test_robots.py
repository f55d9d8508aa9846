"""QuickProtegoRobotParser gives Protego's answers, without normalizing the URLs no rule can match."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from scrapy.robotstxt import ProtegoRobotParser

from newscrawl import settings as project_settings
from newscrawl.robots import QuickProtegoRobotParser

AGENT = "newscrawl/1.0 (+https://example.org)"
SLUG = "%D9%85%D8%AD%D8%A7%D8%AF%D8%AB%D8%A7%D8%AA-%D8%A3%D9%85%D9%8A%D8%B1%D9%83%D9%8A%D8%A9" * 3

ROBOTS = {
    "prefixes": "User-agent: *\nDisallow: /search\nDisallow: /admin/\n",
    "none": "",
    "allow everything": "User-agent: *\nDisallow:\n",
    "other agent only": "User-agent: otherbot\nDisallow: /\n",
    "everything": "User-agent: *\nDisallow: /\n",
    "a section": "User-agent: *\nDisallow: /40/\nAllow: /40/095935\n",
    "longer than the plain start": "User-agent: *\nDisallow: /40/095935-%D9%85%D8%AD\n",
    "decoded letters": "User-agent: *\nDisallow: /40/095935-محادثات\n",
    "an id prefix": "User-agent: *\nDisallow: /40/0959\n",
    "wildcard": "User-agent: *\nDisallow: /*%D8%A3%D9%85\n",
    "end anchor": "User-agent: *\nDisallow: /writers$\n",
    "query": "User-agent: *\nDisallow: /section/1?page=\n",
    "equals sign": "User-agent: *\nDisallow: /a%3Db\n",
    "our agent": "User-agent: newscrawl\nDisallow: /1/\n\nUser-agent: *\nDisallow: /\n",
}
URLS = [
    f"https://www.arabstoday.net/40/095935-{SLUG}",
    f"https://www.arabstoday.net/1/100059-{SLUG}",
    "https://www.arabstoday.net/40/095935-محادثات-أميركية",
    "https://www.arabstoday.net/40/0959",
    "https://www.arabstoday.net/search?q=%D9%85",
    "https://www.arabstoday.net/admin/",
    "https://www.arabstoday.net/section/1?page=2",
    "https://www.arabstoday.net/section/1",
    "https://www.arabstoday.net/writers",
    "https://www.arabstoday.net/writers?x=1",
    "https://www.arabstoday.net/a=b",
    "https://www.arabstoday.net/a%3db",
    "https://www.arabstoday.net/",
    "https://www.arabstoday.net",
    "https://www.arabstoday.net//40/x",
    "https://www.arabstoday.net/robots.txt",
    "https://www.arabstoday.net/w-1569/100139-%D8%AD#frag",
]


@pytest.mark.parametrize("name", sorted(ROBOTS))
def test_the_same_answers_as_protego(name: str) -> None:
    body = ROBOTS[name].encode("utf-8")
    quick, protego = QuickProtegoRobotParser(body, None), ProtegoRobotParser(body, None)
    for url, agent in itertools.product(URLS, (AGENT, "otherbot", b"newscrawl")):
        assert quick.allowed(url, agent) == protego.allowed(url, agent), (url, agent)


def test_an_article_url_no_rule_can_match_is_not_normalized(monkeypatch: Any) -> None:
    parser = QuickProtegoRobotParser(ROBOTS["prefixes"].encode(), None)
    asked = []
    monkeypatch.setattr(parser.rp, "can_fetch", lambda url, agent: asked.append(url) or True)
    assert parser.allowed(URLS[0], AGENT)
    assert asked == []  # answered without Protego's normalization
    parser.allowed("https://www.arabstoday.net/search?q=x", AGENT)
    assert asked == ["https://www.arabstoday.net/search?q=x"]  # a rule may match: Protego answers


def test_the_project_uses_it() -> None:
    assert project_settings.ROBOTSTXT_PARSER == "newscrawl.robots.QuickProtegoRobotParser"
