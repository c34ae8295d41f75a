"""Permission rows for the media library."""

from tests.url_table import DEPARTMENT_MEMBERS, DRAFTERS, UrlCase


def setup_world(world):
    from tests.factories import image_asset

    # Small images: this runs for every row of the permission table.
    world.objects["media_own"] = image_asset(world.own, width=64, height=64, name="Eigenes")
    world.objects["media_other"] = image_asset(world.other, width=64, height=64, name="Fremdes")


def _own(world):
    return {"pk": world.objects["media_own"].pk}


def _other(world):
    return {"pk": world.objects["media_other"].pk}


CASES = [
    UrlCase("newsroom:media_list", DEPARTMENT_MEMBERS),
    UrlCase("newsroom:media_upload", DRAFTERS),
    UrlCase("newsroom:media_detail", DEPARTMENT_MEMBERS, kwargs=_own, other_kwargs=_other),
    UrlCase("newsroom:media_detail", DRAFTERS, kwargs=_own, other_kwargs=_other,
            method="post", ok_status=302, data=lambda world: {"alt_text": "Ein Radweg"},
            id="post:newsroom:media_detail"),
]
