"""Glue between django-axes and the newsroom."""

from newsroom.middleware import client_ip as _client_ip


def client_ip(request) -> str:
    """The client's address as the audit log sees it (the hop our own proxy added in production)."""
    return _client_ip(request) or ""
