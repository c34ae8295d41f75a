"""Permission rows for the analytics pages: departments see their own figures, duty editors and
administrators all of them."""

from tests.url_table import CITY_WIDE, DEPARTMENT_MEMBERS, UrlCase


def setup_world(world):
    from newsroom.models import Post
    from tests.factories import channel

    for key, department in (("own", world.own), ("other", world.other)):
        world.objects[f"analytics_account_{key}"] = channel(
            "facebook", department, name=f"Auswertung {key}"
        )
        world.objects[f"analytics_post_{key}"] = Post.objects.create(
            department=department, title=f"Auswertung {key}", status="published"
        )


CASES = [
    UrlCase("analytics:index", DEPARTMENT_MEMBERS, ok_status=302),
    UrlCase("analytics:city", CITY_WIDE),
    UrlCase(
        "analytics:department", DEPARTMENT_MEMBERS,
        kwargs=lambda w: {"pk": w.own.pk},
        other_kwargs=lambda w: {"pk": w.other.pk},
    ),
    UrlCase(
        "analytics:account", DEPARTMENT_MEMBERS,
        kwargs=lambda w: {"pk": w.objects["analytics_account_own"].pk},
        other_kwargs=lambda w: {"pk": w.objects["analytics_account_other"].pk},
    ),
    UrlCase(
        "analytics:post", DEPARTMENT_MEMBERS,
        kwargs=lambda w: {"pk": w.objects["analytics_post_own"].pk},
        other_kwargs=lambda w: {"pk": w.objects["analytics_post_other"].pk},
    ),
    UrlCase("analytics:topics", DEPARTMENT_MEMBERS),
    UrlCase("analytics:topic", DEPARTMENT_MEMBERS, kwargs=lambda w: {"keyword": "#hitze"}),
]
