"""Domain errors: raised by service functions, turned into messages by the doors."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the newsroom refused the action. ``message`` is for people (German)."""

    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class NotAllowed(DomainError):
    """The person may not do this (maps to 403)."""

    code = "not_allowed"


class InvalidState(DomainError):
    """The object is not in a state that allows the action (maps to 409)."""

    code = "invalid_state"


class Conflict(DomainError):
    """Someone else changed the object at the same moment (maps to 409)."""

    code = "conflict"
