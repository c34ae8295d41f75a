"""Newsroom: the city's social media newsroom.

The package holds the Django project (settings, URLs, Celery app) and the core newsroom domain
(posts, channel variants, media, audit log).
"""

from .celery import app as celery_app

__all__ = ["celery_app"]
