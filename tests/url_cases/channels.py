from channels_publish.models import Delivery
from newsroom.models import Post
from tests.factories import ChannelAccountFactory
from tests.url_table import DEPARTMENT_MEMBERS, DRAFTERS, UrlCase


def setup_world(world):
    for key, department in (("own", world.own), ("other", world.other)):
        post = Post.objects.create(department=department, title=f"Kanaltest {key}",
                                   status="published")
        account = ChannelAccountFactory(network="x")
        world.objects[f"channels_post_{key}"] = post
        world.objects[f"channels_delivery_{key}"] = Delivery.objects.create(
            post=post, channel_account=account, post_version=1, status="failed",
            due_at=post.created_at, next_attempt_at=post.created_at,
        )


CASES = [
    UrlCase("channels:accounts", DEPARTMENT_MEMBERS),
    UrlCase(
        "channels:post_deliveries", DEPARTMENT_MEMBERS,
        kwargs=lambda w: {"pk": w.objects["channels_post_own"].pk},
        other_kwargs=lambda w: {"pk": w.objects["channels_post_other"].pk},
    ),
    UrlCase(
        "channels:delivery_retry", DRAFTERS, method="post", ok_status=302,
        kwargs=lambda w: {"pk": w.objects["channels_delivery_own"].pk},
        other_kwargs=lambda w: {"pk": w.objects["channels_delivery_other"].pk},
        city_wide=frozenset({"duty_editor"}),
    ),
]
