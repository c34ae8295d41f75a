"""No request to a third party at run time: every page loads fonts, scripts, styles and images
from the app itself.

Decision: attributes that make the browser fetch something as the page loads (``src``,
``srcset``, ``poster``, ``data``, ``<link href>``, form ``action``, CSS ``url()`` and
``@import``) must stay on the app's own host. Plain links (``<a href>``) may lead to other
hosts, e.g. to a published item on a network or a link in a post: nothing is fetched until the
person clicks. The static CSS and JavaScript files are scanned, too."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction

from tests.accessibility.pages import is_html, page_requests
from tests.test_url_permissions import world  # noqa: F401 (fixture)

OWN_HOSTS = {"", "testserver"}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.I)
_LOADING = {"src", "srcset", "poster", "data", "action", "formaction", "background"}


class _Fetches(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if not value:
                continue
            if name == "srcset":
                self.urls += [part.strip().split(" ")[0] for part in value.split(",")]
            elif name in _LOADING or (tag == "link" and name == "href"):
                self.urls.append(value)
            elif name == "style":
                self.urls += _css_urls(value)
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.urls.append(values.get("content", "").partition("url=")[2])
        self._in_style = tag == "style"

    def handle_data(self, data):
        if self._in_style:
            self.urls += _css_urls(data)

    def handle_endtag(self, tag):
        self._in_style = False


def _css_urls(text: str) -> list[str]:
    return [a or b for a, b in _CSS_URL.findall(text)]


def foreign(urls) -> list[str]:
    found = []
    for url in urls:
        parts = urlsplit(url.strip())
        if parts.scheme in ("data", "blob"):
            continue
        if parts.scheme not in ("", "http", "https") or parts.netloc.split(":")[0] not in OWN_HOSTS:
            found.append(url)
    return found


def test_the_scanner_finds_foreign_resources():
    parser = _Fetches()
    parser.feed(
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css">'
        '<img srcset="/a.png 1x, https://cdn.example/b.png 2x">'
        '<div style="background: url(https://evil.example/x.png)"></div>'
        '<style>@import "https://cdn.example/x.css";</style>'
        '<a href="https://www.facebook.com/stadt">ok</a><script src="/static/a.js"></script>'
    )
    assert foreign(parser.urls) == [
        "https://fonts.googleapis.com/css", "https://cdn.example/b.png",
        "https://evil.example/x.png", "https://cdn.example/x.css",
    ]


@pytest.mark.django_db
def test_no_page_loads_anything_from_another_host(client, world):  # noqa: F811
    checked, problems = 0, {}
    for page in page_requests(world):
        with transaction.atomic():
            if page.persona:
                client.force_login(world.people[page.persona])
            response = client.get(page.url, page.params)
            transaction.set_rollback(True)
        client.logout()
        assert response.status_code == 200, (page, response.status_code)
        if not is_html(response):
            continue
        parser = _Fetches()
        parser.feed(response.content.decode())
        checked += 1
        if bad := foreign(parser.urls):
            problems[page.id] = bad
    assert not problems, problems
    print(f"foreign hosts: {checked} HTML pages scanned")
    assert checked >= 30, checked


def test_static_css_and_js_fetch_nothing_from_other_hosts():
    problems = {}
    for path in Path(settings.BASE_DIR, "static").rglob("*"):
        if path.suffix not in (".css", ".js") or "vendor/axe-core" in str(path):
            continue
        text = path.read_text(errors="replace")
        urls = _css_urls(text) if path.suffix == ".css" else re.findall(
            r"""(?:fetch|importScripts|import)\s*\(\s*['"](https?://[^'"]+)""", text
        )
        if bad := foreign(urls):
            problems[str(path)] = bad
    assert not problems, problems
