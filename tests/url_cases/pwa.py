"""Permission rows for the installable app. The manifest, the service worker and the offline
page are public (browsers fetch them without cookies); see PUBLIC in test_url_permissions."""

from tests.url_table import DEPARTMENT_MEMBERS, EVERYONE, UrlCase

CASES = [
    UrlCase("pwa:settings", EVERYONE),
    UrlCase("pwa:settings", EVERYONE, method="post", ok_status=302,
            data=lambda world: {"push-crisis": "on"}, id="post:pwa:settings"),
    # A form post is no JSON: answered 400 to whoever may use these (403 before for nobody).
    UrlCase("pwa:subscribe", EVERYONE, method="post", ok_status=400),
    UrlCase("pwa:unsubscribe", EVERYONE, method="post", ok_status=400),
    UrlCase("pwa:today", DEPARTMENT_MEMBERS),
]
