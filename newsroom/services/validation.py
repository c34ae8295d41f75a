"""Is a post ready for review? The per-network rules applied to the post as it stands."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from newsroom import channel_rules
from newsroom.errors import DomainError
from newsroom.models import Post


class NotReadyForReview(DomainError):
    """The post breaks at least one rule; ``problems`` lists every one of them."""

    code = "not_ready"

    def __init__(self, problems: list[tuple[str, str]]):
        # problems: (field, message)
        self.problems = problems
        super().__init__(" ".join(message for _field, message in problems))


def _facts(asset) -> channel_rules.MediaFacts:
    return channel_rules.MediaFacts(
        kind=asset.kind,
        width=asset.width,
        height=asset.height,
        duration_s=asset.duration_s,
        alt_text=asset.alt_text,
        name=asset.name,
        mime_type=asset.mime_type,
    )


def variant_drafts(post: Post) -> list[channel_rules.VariantDraft]:
    """Each variant as the network will receive it (main text and media where not customised)."""
    post_media = [m.asset for m in post.post_media.select_related("asset")]
    drafts = []
    for variant in post.variants.prefetch_related("variant_media__asset"):
        media = (
            [m.asset for m in variant.variant_media.all()]
            if variant.media_customised
            else post_media
        )
        drafts.append(
            channel_rules.VariantDraft(
                network=variant.network,
                text=variant.text if variant.text_customised else post.body,
                title=variant.title or post.title,
                teaser=variant.teaser,
                link=post.link,
                media=[_facts(asset) for asset in media],
            )
        )
    return drafts


def reports(post: Post) -> dict[str, channel_rules.VariantReport]:
    return {draft.network: channel_rules.validate_variant(draft) for draft in variant_drafts(post)}


def check_ready_for_review(post: Post, *, now=None) -> None:
    """Raise ``NotReadyForReview`` listing every problem, or return if the post may be submitted."""
    now = now or timezone.now()
    problems: list[tuple[str, str]] = []
    if not post.channel_accounts.exists():
        problems.append(("channel_account_ids", _("Bitte wählen Sie mindestens einen Kanal.")))
    if post.scheduled_at is not None and post.scheduled_at <= now:
        problems.append((
            "scheduled_at",
            _("Die geplante Zeit liegt in der Vergangenheit. Bitte wählen Sie eine neue Zeit."),
        ))
    for network, report in reports(post).items():
        for issue in report.issues:
            if issue.level == "error":
                problems.append((f"variants.{network}.{issue.field}", issue.message))
    if problems:
        raise NotReadyForReview(problems)
