"""The citizens' inbox: conversations, their messages, our replies and moderation decisions."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class CitizenAccount(models.Model):
    """A citizen's account on one network (serves export and erasure on request)."""

    network = models.CharField(_("Netzwerk"), max_length=20)
    remote_id = models.CharField(_("ID beim Netzwerk"), max_length=200)
    name = models.CharField(_("Name"), max_length=200, blank=True)
    handle = models.CharField(_("Kennung"), max_length=200, blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(_("gelöscht am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Bürgerkonto")
        verbose_name_plural = _("Bürgerkonten")
        ordering = ["network", "name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "remote_id"],
                                    name="citizen_one_per_network_id"),
        ]

    def __str__(self) -> str:
        # Neutral on purpose: this label ends up in the append-only audit log, which must
        # never hold a citizen's name (erasure could not reach it there).
        return gettext("Bürgerkonto #%(pk)s (%(network)s)") % {"pk": self.pk,
                                                                "network": self.network}


class InboxCursor(models.Model):
    """Where the last fetch of one channel account stopped."""

    channel_account = models.OneToOneField(
        "channels_publish.ChannelAccount", on_delete=models.CASCADE, related_name="inbox_cursor"
    )
    cursor = models.JSONField(default=dict, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.channel_account_id}: {self.cursor}"


class ConversationStatus(models.TextChoices):
    NEW = "new", _("neu")
    ASSIGNED = "assigned", _("zugewiesen")
    AWAITING_APPROVAL = "awaiting_approval", _("wartet auf Freigabe")
    ANSWERED = "answered", _("beantwortet")
    CLOSED = "closed", _("geschlossen")


# Conversations that still wait for us.
OPEN_CONVERSATION_STATES = frozenset({
    ConversationStatus.NEW, ConversationStatus.ASSIGNED, ConversationStatus.AWAITING_APPROVAL,
})


class ConversationKind(models.TextChoices):
    COMMENT = "comment", _("Kommentar")
    MENTION = "mention", _("Erwähnung")
    MESSAGE = "message", _("Direktnachricht")


class Conversation(models.Model):
    """One thread on one channel account: a comment thread, a DM conversation, a mention."""

    channel_account = models.ForeignKey(
        "channels_publish.ChannelAccount", on_delete=models.PROTECT,
        related_name="conversations", verbose_name=_("Kanal"),
    )
    thread_key = models.CharField(max_length=200)
    kind = models.CharField(_("Art"), max_length=20, choices=ConversationKind.choices)
    post = models.ForeignKey(
        "newsroom.Post", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="conversations", verbose_name=_("Beitrag"),
    )
    citizen = models.ForeignKey(
        CitizenAccount, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="conversations",
    )
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="conversations", verbose_name=_("Amt"),
    )
    # A routing rule's suggestion, shown to the community management until someone routes.
    suggested_department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("vorgeschlagenes Amt"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="assigned_conversations", verbose_name=_("zuständig"),
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=ConversationStatus.choices,
        default=ConversationStatus.NEW,
    )
    preview = models.CharField(_("Vorschau"), max_length=200, blank=True)
    tags = models.ManyToManyField("newsroom.Tag", blank=True, related_name="conversations")
    first_message_at = models.DateTimeField(_("erste Nachricht"))
    last_message_at = models.DateTimeField(_("letzte Nachricht"))
    # The oldest citizen message we have not answered yet; None when nothing waits.
    waiting_since = models.DateTimeField(_("wartet seit"), null=True, blank=True)
    first_answered_at = models.DateTimeField(_("erste Antwort"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Unterhaltung")
        verbose_name_plural = _("Unterhaltungen")
        ordering = ["-last_message_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel_account", "thread_key"],
                                    name="conversation_one_per_thread"),
            models.CheckConstraint(condition=models.Q(status__in=ConversationStatus.values),
                                   name="conversation_status_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "-last_message_at"]),
            models.Index(fields=["department", "status", "-last_message_at"]),
            models.Index(fields=["waiting_since"]),
        ]

    def __str__(self) -> str:
        # Neutral on purpose (audit log, notifications): never the citizen's text.
        return gettext("Unterhaltung #%(pk)s") % {"pk": self.pk}


class MessageDirection(models.TextChoices):
    IN = "in", _("eingegangen")
    OUT = "out", _("von uns")


class Message(models.Model):
    """One comment, mention or direct message in a conversation."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="messages")
    # Denormalised from the conversation: remote ids are unique per account.
    channel_account = models.ForeignKey("channels_publish.ChannelAccount",
                                        on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=3, choices=MessageDirection.choices)
    kind = models.CharField(max_length=20, choices=ConversationKind.choices)
    remote_id = models.CharField(max_length=200)
    parent_remote_id = models.CharField(max_length=200, blank=True)
    author = models.ForeignKey(CitizenAccount, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="messages")
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField(_("Text"))
    url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(_("geschrieben"))
    fetched_at = models.DateTimeField(default=timezone.now)
    is_hidden = models.BooleanField(_("verborgen"), default=False)
    is_deleted = models.BooleanField(_("gelöscht"), default=False)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Nachricht")
        verbose_name_plural = _("Nachrichten")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["channel_account", "remote_id"],
                                    name="message_one_per_remote_id"),
        ]
        indexes = [models.Index(fields=["direction", "created_at"])]

    def __str__(self) -> str:
        return gettext("Nachricht #%(pk)s") % {"pk": self.pk}


class Note(models.Model):
    """An internal note on a conversation; never sent to the citizen."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    text = models.TextField(_("Notiz"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Notiz")
        verbose_name_plural = _("Notizen")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class ReplyStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    IN_REVIEW = "in_review", _("wartet auf Freigabe")
    CHANGES_REQUESTED = "changes_requested", _("Änderungen erbeten")
    QUEUED = "queued", _("freigegeben, wird gesendet")
    SENDING = "sending", _("wird gesendet")
    SENT = "sent", _("gesendet")
    RETRY = "retry", _("neuer Versuch geplant")
    OUTCOME_UNKNOWN = "outcome_unknown", _("Ergebnis unklar")
    HELD = "held", _("angehalten")
    FAILED = "failed", _("fehlgeschlagen")
    DISCARDED = "discarded", _("verworfen")


# A conversation has at most one reply in one of these states (the database forbids two).
OPEN_REPLY_STATES = (
    ReplyStatus.DRAFT, ReplyStatus.IN_REVIEW, ReplyStatus.CHANGES_REQUESTED, ReplyStatus.QUEUED,
    ReplyStatus.SENDING, ReplyStatus.RETRY, ReplyStatus.OUTCOME_UNKNOWN, ReplyStatus.HELD,
)
EDITABLE_REPLY_STATES = (ReplyStatus.DRAFT, ReplyStatus.IN_REVIEW, ReplyStatus.CHANGES_REQUESTED)


def _new_marker() -> str:
    return secrets.token_hex(4)


class Reply(models.Model):
    """Our answer to a message: draft, four-eyes review, and the outbox entry that sends it."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="replies")
    in_reply_to = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="replies",
                                    verbose_name=_("Antwort auf"))
    text = models.TextField(_("Antwort"))
    status = models.CharField(_("Status"), max_length=20, choices=ReplyStatus.choices,
                              default=ReplyStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("verfasst von"))
    last_edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                       on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("freigegeben von"))
    approved_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    # The outbox part.
    marker = models.CharField(max_length=16, default=_new_marker)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    lookup_before_retry = models.BooleanField(default=False)
    adapter_state = models.JSONField(default=dict, blank=True)
    remote_id = models.CharField(max_length=200, blank=True)
    remote_url = models.URLField(max_length=500, blank=True)
    sent_at = models.DateTimeField(_("gesendet am"), null=True, blank=True)
    last_error = models.TextField(_("Fehler"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Antwort")
        verbose_name_plural = _("Antworten")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation"], condition=models.Q(status__in=OPEN_REPLY_STATES),
                name="reply_one_open_per_conversation",
            ),
            models.CheckConstraint(condition=models.Q(status__in=ReplyStatus.values),
                                   name="reply_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        # Neutral: a reply may name the citizen, and this label goes into the audit log.
        return gettext("Antwort #%(pk)s") % {"pk": self.pk}


class ModerationAction(models.TextChoices):
    HIDE = "hide", _("verbergen")
    DELETE = "delete", _("löschen")


class ModerationReason(models.TextChoices):
    """The grounds of the city's moderation policy (Netiquette) that allow hiding or deleting."""

    INSULT = "insult", _("Beleidigung oder Herabwürdigung (Netiquette Nr. 1)")
    DISCRIMINATION = "discrimination", _("Diskriminierung oder Hetze (Netiquette Nr. 2)")
    PERSONAL_DATA = "personal_data", _("Persönliche Daten Dritter (Netiquette Nr. 3)")
    SPAM = "spam", _("Werbung oder Spam (Netiquette Nr. 4)")
    ILLEGAL = "illegal", _("Strafbare Inhalte (Netiquette Nr. 5)")
    OFF_TOPIC = "off_topic", _("Wiederholt themenfremd (Netiquette Nr. 6)")


class ModerationStatus(models.TextChoices):
    OPEN = "open", _("wartet auf Freigabe")
    APPROVED = "approved", _("freigegeben, wird ausgeführt")
    EXECUTING = "executing", _("wird beim Netzwerk ausgeführt")
    DONE = "done", _("ausgeführt")
    FAILED = "failed", _("fehlgeschlagen")
    REJECTED = "rejected", _("abgelehnt")


class ModerationRequest(models.Model):
    """Hiding or deleting a citizen's comment: requested by one person, approved by another."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE,
                                related_name="moderation_requests")
    action = models.CharField(_("Maßnahme"), max_length=10, choices=ModerationAction.choices)
    reason = models.CharField(_("Grund"), max_length=30, choices=ModerationReason.choices)
    explanation = models.TextField(_("Erläuterung"), blank=True)
    status = models.CharField(max_length=10, choices=ModerationStatus.choices,
                              default=ModerationStatus.OPEN)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    # The outbox part: when the task was (last) enqueued and when a worker claimed it, so the
    # sweep can re-queue a moderation whose task or worker was lost.
    queued_at = models.DateTimeField(null=True, blank=True)
    execution_started_at = models.DateTimeField(null=True, blank=True)
    executed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("Moderation")
        verbose_name_plural = _("Moderationen")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["message"], condition=models.Q(status="open"),
                                    name="moderation_one_open_per_message"),
        ]

    def __str__(self) -> str:
        return gettext("Moderation #%(pk)s") % {"pk": self.pk}


class SavedAnswer(models.Model):
    """A Textbaustein: a ready answer a department reuses."""

    department = models.ForeignKey("accounts.Department", on_delete=models.CASCADE,
                                    related_name="saved_answers", verbose_name=_("Amt"))
    title = models.CharField(_("Titel"), max_length=200)
    text = models.TextField(_("Text"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Textbaustein")
        verbose_name_plural = _("Textbausteine")
        ordering = ["department", "title"]

    def __str__(self) -> str:
        return self.title


class RoutingMode(models.TextChoices):
    SUGGEST = "suggest", _("vorschlagen")
    ASSIGN = "assign", _("direkt zuweisen")


class RoutingRule(models.Model):
    """Keywords, channel and the post's department decide which department answers."""

    name = models.CharField(_("Name"), max_length=200)
    priority = models.PositiveIntegerField(_("Reihenfolge"), default=100)
    keywords = models.CharField(
        _("Stichwörter"), max_length=500, blank=True,
        help_text=_("Durch Kommas getrennt; eines genügt. Leer: jedes Thema."),
    )
    network = models.CharField(_("Netzwerk"), max_length=20, blank=True,
                               help_text=_("Leer: jedes Netzwerk."))
    post_department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+", verbose_name=_("Amt des Beitrags"),
        help_text=_("Leer: gleich, zu welchem Beitrag."),
    )
    department = models.ForeignKey("accounts.Department", on_delete=models.CASCADE,
                                   related_name="+", verbose_name=_("zuständiges Amt"))
    mode = models.CharField(_("Wirkung"), max_length=10, choices=RoutingMode.choices,
                            default=RoutingMode.SUGGEST)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Weiterleitungsregel")
        verbose_name_plural = _("Weiterleitungsregeln")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip().lower() for word in self.keywords.split(",") if word.strip()]

    def matches(self, *, text: str, network: str, post_department_id: int | None) -> bool:
        if self.network and self.network != network:
            return False
        if self.post_department_id and self.post_department_id != post_department_id:
            return False
        words = self.keyword_list
        if words:
            lowered = text.lower()
            return any(word in lowered for word in words)
        return True
