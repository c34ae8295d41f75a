"""API methods beyond the basics: replacing and changing posts, changing media alt texts.
(The objects come from tests/url_cases/api.py's set-up.)"""

from tests.url_table import DRAFTERS, UrlCase

CITY_WIDE_DRAFTER = frozenset({"duty_editor"})


def _pk(name: str):
    return lambda w: {"pk": w.objects[name].pk}


CASES = [
    UrlCase("api:post-detail", DRAFTERS, method="put",
            kwargs=_pk("api_draft_own"), other_kwargs=_pk("api_draft_other"),
            data=lambda w: {"title": "Ersetzt", "body": "Neuer Text"},
            city_wide=CITY_WIDE_DRAFTER),
    UrlCase("api:post-detail", DRAFTERS, method="patch",
            kwargs=_pk("api_draft_own"), other_kwargs=_pk("api_draft_other"),
            data=lambda w: {"title": "Geändert"}, city_wide=CITY_WIDE_DRAFTER),
    UrlCase("api:media-detail", DRAFTERS, method="patch",
            kwargs=_pk("api_asset_own"), other_kwargs=_pk("api_asset_other"),
            data=lambda w: {"alt_text": "Neuer Alternativtext"}, city_wide=CITY_WIDE_DRAFTER),
]
