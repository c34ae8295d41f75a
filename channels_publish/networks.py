"""The networks (and other outlets) the newsroom publishes to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Network(models.TextChoices):
    FACEBOOK = "facebook", _("Facebook")
    INSTAGRAM = "instagram", _("Instagram")
    X = "x", _("X")
    YOUTUBE = "youtube", _("YouTube")
    WEBSITE = "website", _("Website")
    PRESS = "press", _("Pressemitteilung")


# The social networks reached through their APIs (as opposed to our own feed and press mail).
SOCIAL_NETWORKS = frozenset({Network.FACEBOOK, Network.INSTAGRAM, Network.X, Network.YOUTUBE})
