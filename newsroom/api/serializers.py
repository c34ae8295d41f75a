"""What goes over the wire. Serializers only shape data; the service functions decide."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from channels_publish.networks import Network
from newsroom.errors import DomainError
from newsroom.models import AuditLogEntry, MediaAsset, MediaKind, Post, PostComment, PostStatus
from newsroom.services import validation
from newsroom.services.posts import PostData, VariantData
from newsroom.timezones import berlin_wall_clock_to_aware


class BerlinDateTimeField(serializers.DateTimeField):
    """ISO 8601; a time without offset is Berlin wall-clock time (DST gaps/overlaps refused)."""

    def enforce_timezone(self, value):
        if value.tzinfo is None:
            try:
                return berlin_wall_clock_to_aware(value)
            except DomainError as exc:
                raise serializers.ValidationError(exc.message, code=exc.code) from None
        return super().enforce_timezone(value)


# --- Posts ----------------------------------------------------------------------------------
class VariantSerializer(serializers.Serializer):
    """One network's variant. ``text``/``media_ids`` null: follow the main post."""

    text = serializers.CharField(allow_null=True, allow_blank=True, required=False, default=None,
                                 trim_whitespace=False)
    title = serializers.CharField(allow_blank=True, required=False, default="", max_length=200)
    teaser = serializers.CharField(allow_blank=True, required=False, default="")
    media_ids = serializers.ListField(child=serializers.IntegerField(), allow_null=True,
                                      required=False, default=None)


class CounterSerializer(serializers.Serializer):
    label = serializers.CharField()
    used = serializers.IntegerField()
    limit = serializers.IntegerField()
    unit = serializers.CharField()
    over = serializers.BooleanField()
    remaining = serializers.IntegerField()
    field = serializers.CharField()


class IssueSerializer(serializers.Serializer):
    level = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField()


class VariantReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    counters = CounterSerializer(many=True)
    issues = IssueSerializer(many=True)


def _variants_of(post: Post) -> dict[str, dict]:
    # The same meaning as ``data_from_post``: null where the variant follows the main post, so
    # a client can send back what it read.
    return {
        variant.network: {
            "text": variant.text if variant.text_customised else None,
            "title": variant.title,
            "teaser": variant.teaser,
            "media_ids": [m.asset_id for m in variant.variant_media.all()]
            if variant.media_customised else None,
        }
        for variant in post.variants.all()
    }


class PostSerializer(serializers.ModelSerializer):
    """A post as the list shows it (everything but the validation report)."""

    author_name = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    channel_account_ids = serializers.SerializerMethodField()
    media_ids = serializers.SerializerMethodField()
    variants = serializers.SerializerMethodField()
    scheduled_at = BerlinDateTimeField(allow_null=True)

    class Meta:
        model = Post
        fields = [
            "id", "department", "author", "author_name", "title", "body", "link", "campaign",
            "tags", "channel_account_ids", "media_ids", "scheduled_at", "is_crisis", "status",
            "version", "variants", "created_at", "updated_at", "approved_at",
        ]
        read_only_fields = fields

    def get_author_name(self, post: Post) -> str:
        return str(post.author) if post.author else ""

    def get_tags(self, post: Post) -> list[str]:
        return [tag.name for tag in post.tags.all()]

    def get_channel_account_ids(self, post: Post) -> list[int]:
        return [account.pk for account in post.channel_accounts.all()]

    def get_media_ids(self, post: Post) -> list[int]:
        return [m.asset_id for m in post.post_media.all()]

    @extend_schema_field(serializers.DictField(child=VariantSerializer()))
    def get_variants(self, post: Post) -> dict:
        return _variants_of(post)


class PostDetailSerializer(PostSerializer):
    """A single post, with the per-network counters and issues the composer shows."""

    validation = serializers.SerializerMethodField()

    class Meta(PostSerializer.Meta):
        fields = [*PostSerializer.Meta.fields, "validation"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(child=VariantReportSerializer()))
    def get_validation(self, post: Post) -> dict:
        return {
            network: VariantReportSerializer(report).data
            for network, report in validation.reports(post).items()
        }


class ReviewQueueEntrySerializer(PostSerializer):
    submitted_at = serializers.DateTimeField(source="review_submitted_at", read_only=True)

    class Meta(PostSerializer.Meta):
        fields = [*PostSerializer.Meta.fields, "submitted_at"]
        read_only_fields = fields


class PostWriteSerializer(serializers.Serializer):
    """Input of create (POST), replace (PUT) and change (PATCH)."""

    department = serializers.IntegerField(
        required=False, help_text="Amt (id); nur beim Anlegen, dort Pflicht."
    )
    title = serializers.CharField(max_length=200, allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True, default="",
                                 trim_whitespace=False)
    link = serializers.URLField(required=False, allow_blank=True, default="", max_length=500)
    campaign = serializers.CharField(required=False, allow_blank=True, default="",
                                     max_length=100)
    tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False,
                                 default=list)
    channel_account_ids = serializers.ListField(child=serializers.IntegerField(),
                                                required=False, default=list)
    media_ids = serializers.ListField(child=serializers.IntegerField(), required=False,
                                      default=list)
    scheduled_at = BerlinDateTimeField(required=False, allow_null=True, default=None)
    is_crisis = serializers.BooleanField(required=False, default=False)
    variants = serializers.DictField(child=VariantSerializer(), required=False, default=dict)
    expected_version = serializers.IntegerField(
        required=False, allow_null=True, default=None, write_only=True,
        help_text="Die Fassung, von der die Änderung ausgeht; weicht sie ab: 409.",
    )

    def validate_variants(self, value: dict) -> dict:
        unknown = sorted(set(value) - set(Network.values))
        if unknown:
            raise serializers.ValidationError(
                _("Unbekanntes Netzwerk: %(networks)s.") % {"networks": ", ".join(unknown)}
            )
        return value

    def to_post_data(self, base: PostData | None = None) -> PostData:
        """The validated input as ``PostData``; for PATCH only the sent fields change ``base``."""
        values = dict(self.validated_data)
        values.pop("department", None)
        values.pop("expected_version", None)
        if "variants" in values:
            values["variants"] = {
                network: VariantData(**variant) for network, variant in values["variants"].items()
            }
        if base is None:
            return PostData(**values)
        for name, value in values.items():
            setattr(base, name, value)
        return base


class ActionSerializer(serializers.Serializer):
    expected_version = serializers.IntegerField(
        required=False, allow_null=True, default=None,
        help_text="Die Fassung, die Sie geprüft haben; weicht sie ab: 409.",
    )


class RequestChangesSerializer(ActionSerializer):
    comment = serializers.CharField(allow_blank=True, trim_whitespace=False)


class CommentSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = PostComment
        fields = ["id", "author", "author_name", "text", "created_at"]
        read_only_fields = ["id", "author", "author_name", "created_at"]
        extra_kwargs = {"text": {"allow_blank": True, "trim_whitespace": False}}

    def get_author_name(self, comment: PostComment) -> str:
        return str(comment.author) if comment.author else ""


# --- Filters --------------------------------------------------------------------------------
class PostFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PostStatus.choices, required=False)
    department = serializers.IntegerField(required=False)
    mine = serializers.BooleanField(required=False, default=False)


class ReviewQueueFilterSerializer(serializers.Serializer):
    department = serializers.IntegerField(required=False)
    network = serializers.ChoiceField(choices=Network.choices, required=False)
    due_before = BerlinDateTimeField(required=False)


class MediaFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=MediaKind.choices, required=False, default="")
    department = serializers.IntegerField(required=False)


class AuditFilterSerializer(serializers.Serializer):
    action = serializers.CharField(required=False)
    department = serializers.IntegerField(required=False)
    actor = serializers.IntegerField(required=False)
    since = BerlinDateTimeField(required=False)
    until = BerlinDateTimeField(required=False)
    object_id = serializers.CharField(required=False)
    object_type = serializers.RegexField(
        r"^[a-z_]+\.[a-z_]+$", required=False, help_text="z. B. newsroom.post"
    )


# --- Media ----------------------------------------------------------------------------------
class MediaAssetSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()

    class Meta:
        model = MediaAsset
        fields = [
            "id", "department", "kind", "name", "url", "thumbnail_url", "original_filename",
            "mime_type", "size_bytes", "width", "height", "duration_s", "alt_text", "tags",
            "rendition_status", "created_at",
        ]
        read_only_fields = [name for name in fields if name != "alt_text"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, asset: MediaAsset) -> str:
        return self._absolute(asset.file.url)

    @extend_schema_field(OpenApiTypes.URI)
    def get_thumbnail_url(self, asset: MediaAsset) -> str | None:
        url = asset.thumbnail_url
        return self._absolute(url) if url else None

    def get_tags(self, asset: MediaAsset) -> list[str]:
        return [tag.name for tag in asset.tags.all()]

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class MediaUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    department = serializers.IntegerField()
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    alt_text = serializers.CharField(required=False, allow_blank=True, default="")
    tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False,
                                 default=list, help_text="Mehrfach senden oder kommagetrennt.")

    def validate_tags(self, value: list[str]) -> list[str]:
        return [part for tag in value for part in tag.split(",") if part.strip()]


class AltTextSerializer(serializers.Serializer):
    alt_text = serializers.CharField(allow_blank=True)


# --- Audit log ------------------------------------------------------------------------------
class AuditLogEntrySerializer(serializers.ModelSerializer):
    message = serializers.SerializerMethodField()
    object_type = serializers.SerializerMethodField()

    class Meta:
        model = AuditLogEntry
        fields = [
            "id", "created_at", "action", "message", "actor", "actor_display", "department",
            "object_type", "object_id", "object_repr", "data",
        ]
        read_only_fields = fields

    def get_message(self, entry: AuditLogEntry) -> str:
        return entry.message()

    def get_object_type(self, entry: AuditLogEntry) -> str | None:
        if entry.content_type_id is None:
            return None
        # Cached by ContentType's manager: no query per row.
        content_type = ContentType.objects.get_for_id(entry.content_type_id)
        return f"{content_type.app_label}.{content_type.model}"


# --- Tokens ---------------------------------------------------------------------------------
class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    name = serializers.CharField(required=False, allow_blank=True, default="API", max_length=100)
    code = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=32,
        help_text="Code aus der Authenticator-App oder ein Notfallcode; nötig, wenn die "
                  "Zwei-Faktor-Anmeldung eingerichtet oder vorgeschrieben ist.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Wird nur dieses eine Mal gezeigt.")
    name = serializers.CharField()
