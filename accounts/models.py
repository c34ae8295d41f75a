"""People, departments (Ämter) and who holds which role where."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .roles import DepartmentPermission, Role


class User(AbstractUser):
    """A member of the city's staff who works in the newsroom."""

    class Meta(AbstractUser.Meta):
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class DepartmentQuerySet(models.QuerySet):
    def active(self) -> DepartmentQuerySet:
        return self.filter(is_active=True)


class Department(models.Model):
    """An Amt of the city. Departments are brought onto the newsroom one at a time."""

    name = models.CharField(_("Name"), max_length=200)
    number = models.CharField(
        _("Amtsnummer"),
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[0-9A-Za-z.\-]+$", _("Nur Ziffern, Buchstaben, Punkt."))],
        help_text=_("Die Nummer des Amts, zum Beispiel „13“."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("übergeordnetes Amt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(
        _("aktiv"),
        default=True,
        help_text=_("Nur aktive Ämter arbeiten im Newsroom."),
    )
    colour = models.CharField(
        _("Farbe"),
        max_length=7,
        default="#1f5f8b",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Eine Farbe wie #1f5f8b."))],
        help_text=_("Farbe des Amts im Kalender."),
    )
    # Every member of the department is in this group, so channel accounts and other shared
    # objects can be granted to the department as a whole through django-guardian.
    group = models.OneToOneField(Group, on_delete=models.PROTECT, editable=False, null=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Amt")
        verbose_name_plural = _("Ämter")
        ordering = ["number"]
        permissions = [(p.value, p.label) for p in DepartmentPermission]

    def __str__(self) -> str:
        return f"{self.number} – {self.name}"

    def save(self, *args, **kwargs) -> None:
        if self.group_id is None:
            self.group, _created = Group.objects.get_or_create(name=f"Amt {self.number}")
        super().save(*args, **kwargs)


class DepartmentUserObjectPermission(UserObjectPermissionBase):
    """A person's object permission on a department (direct foreign key for fast lookups)."""

    content_object = models.ForeignKey(Department, on_delete=models.CASCADE)


class DepartmentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Department, on_delete=models.CASCADE)


class Membership(models.Model):
    """A person holds a role in a department. One person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("Amt"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("seit"), default=timezone.now)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department", "role"], name="membership_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.department.number}"


def _hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the key is shown once, at creation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("Bezeichnung"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("erstellt"), default=timezone.now)
    last_used_at = models.DateTimeField(_("zuletzt benutzt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("widerrufen"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-Token")
        verbose_name_plural = _("API-Tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token; returns it and the plain key, which is never stored."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=key[:8], key_hash=_hash_token(key))
        return token, key

    @classmethod
    def find_usable(cls, key: str) -> ApiToken | None:
        return cls.objects.usable().select_related("user").filter(key_hash=_hash_token(key)).first()


class UserSession(models.Model):
    """A signed-in browser session of a person, listed on their security page.

    The session itself lives in Django's session store; this row tells the person where and
    since when they are signed in. Only a shortened address is kept (DSGVO).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="browser_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True, editable=False)
    created_at = models.DateTimeField(_("angemeldet seit"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("zuletzt aktiv"), default=timezone.now)
    expires_at = models.DateTimeField(_("läuft ab"))
    user_agent = models.CharField(_("Browser"), max_length=200, blank=True)
    ip_prefix = models.CharField(_("Netz"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("Sitzung")
        verbose_name_plural = _("Sitzungen")
        ordering = ["-last_seen_at"]
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.created_at:%Y-%m-%d %H:%M}"
