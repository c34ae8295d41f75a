from tests.url_table import EVERYONE, UrlCase

CASES = [
    UrlCase("home", EVERYONE),
    UrlCase("accounts:password_change", EVERYONE),
    UrlCase("accounts:password_change_done", EVERYONE),
    UrlCase("accounts:logout", EVERYONE, ok_status=302, method="post"),
]
