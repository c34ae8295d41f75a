"""Accessibility (BITV 2.0 / WCAG 2.1 AA): every GET page of the app passes axe-core with no
serious or critical violation.

The pages come from the permission table (tests/accessibility/pages.py), so pages added later
are scanned without changes here. axe-core is the npm package, served from static/vendor/ by
``bin/vendor-assets.mjs`` and injected by Playwright (the page's CSP is bypassed for the
injected script only in this test)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.accessibility.pages import page_requests
from tests.test_url_permissions import world  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR, "static", "vendor", "axe-core", "axe.min.js")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.html.slice(0, 300)),
  }));
}"""


def _session_cookie(user, live_server) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url}


def test_every_page_passes_axe(browser, live_server, world):  # noqa: F811
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm install` and `node bin/vendor-assets.mjs`.")
    pages = page_requests(world)
    cookies = {persona: _session_cookie(user, live_server)
               for persona, user in world.people.items()}
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    scanned, fragments, found = 0, 0, {}
    all_violations = 0
    for request in pages:
        context.clear_cookies()
        if request.persona:
            context.add_cookies([cookies[request.persona]])
        query = "&".join(f"{key}={value}" for key, value in request.params.items())
        url = f"{live_server.url}{request.url}{'?' + query if query else ''}"
        # Downloads, JSON and htmx fragments are not pages: ask first, without navigating.
        probe = context.request.get(url)
        if "text/html" not in probe.headers.get("content-type", ""):
            continue
        if "<html" not in probe.text()[:500].lower():
            fragments += 1
            continue
        page.goto(url)
        page.wait_for_load_state("networkidle")
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(RUN_AXE, TAGS)
        scanned += 1
        all_violations += len(violations)
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        if blocking:
            found[request.id] = blocking
    context.close()
    print(f"\naxe: {scanned} pages scanned ({fragments} htmx fragments skipped), "
          f"{all_violations} violations of any impact, "
          f"{sum(len(v) for v in found.values())} serious/critical")
    assert scanned >= 30
    assert not found, "\n".join(
        f"{page_id}: {v['id']} ({v['impact']}) {v['help']} {v['nodes']}"
        for page_id, violations in found.items() for v in violations
    )
