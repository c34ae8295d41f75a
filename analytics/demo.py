"""Demo figures: three months of follower history of the sandbox accounts, counted as the
sandbox counts them, so the follower chart has a story before the first collection run. Post
figures come from the collection itself (hourly), which reads the sandbox's growing numbers."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from newsroom.demo import register_seed_step

HISTORY_DAYS = 90


def _sandbox_owner(account) -> str:
    """The id under which the sandbox counts the account's followers."""
    from channels_publish.sandbox.store import stable_number
    from channels_publish.sandbox.youtube_api import channel_id

    token = account.get_credentials().get("access_token", "") if account.has_credentials else ""
    if account.network == "x" and not account.external_id.isdigit():
        return stable_number("x-user:" + token, 16)
    if account.network == "youtube" and not account.external_id:
        return channel_id(token)
    return account.external_id


@register_seed_step
def seed_follower_history() -> list[str]:
    from channels_publish.adapters.metrics import METRICS_ADAPTERS
    from channels_publish.models import ChannelAccount
    from channels_publish.sandbox.insights import followers

    from .models import FollowerSnapshot
    from .services.collection import today

    now = timezone.now()
    first = today(now)
    created = 0
    for account in ChannelAccount.objects.filter(network__in=list(METRICS_ADAPTERS)):
        owner = _sandbox_owner(account)
        # The sandbox counts Facebook pages and Instagram users under one Graph id.
        network = "graph" if account.network in ("facebook", "instagram") else account.network
        for back in range(HISTORY_DAYS, 0, -1):
            moment = now - timedelta(days=back)
            _row, was_created = FollowerSnapshot.objects.get_or_create(
                channel_account=account, day=first - timedelta(days=back),
                defaults={"followers": followers(network, owner, now=moment),
                          "collected_at": moment},
            )
            created += was_created
    return [f"{created} Follower-Stände (Auswertung)"]
