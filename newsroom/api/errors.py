"""One shape for every API error: ``{"detail": …, "code": …, "errors": {field: [messages]}}``.

Domain errors raised by the service functions keep their German message; the HTTP status says
what kind of refusal it was (403 not allowed, 404 not found, 409 state or conflict, 400 the
input).
"""

from __future__ import annotations

import math

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from newsroom.errors import Conflict, DomainError, InvalidState, NotAllowed
from newsroom.services.validation import NotReadyForReview


def _status_of(exc: DomainError) -> int:
    if isinstance(exc, NotAllowed):
        return status.HTTP_403_FORBIDDEN
    if isinstance(exc, InvalidState | Conflict):
        return status.HTTP_409_CONFLICT
    return status.HTTP_400_BAD_REQUEST


def _domain_error_response(exc: DomainError) -> Response:
    body: dict = {"detail": str(exc.message), "code": exc.code}
    if isinstance(exc, NotReadyForReview):
        errors: dict[str, list[str]] = {}
        for field, message in exc.problems:
            errors.setdefault(field, []).append(str(message))
        body["errors"] = errors
    elif exc.field:
        body["errors"] = {exc.field: [str(exc.message)]}
    return Response(body, status=_status_of(exc))


def _first_code(codes) -> str:
    """The first error code in DRF's nested ``get_codes()`` structure."""
    if isinstance(codes, dict):
        codes = next(iter(codes.values()), "invalid")
        return _first_code(codes)
    if isinstance(codes, list):
        return _first_code(codes[0]) if codes else "invalid"
    return str(codes)


def api_exception_handler(exc, context):
    """The exception handler of every Newsroom API view."""
    if isinstance(exc, DomainError):
        return _domain_error_response(exc)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("Dafür fehlt Ihnen die Berechtigung."))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Nicht gefunden."))
    elif isinstance(exc, exceptions.Throttled):
        wait = exc.wait
        exc = exceptions.Throttled(
            detail=_("Zu viele Anfragen. Bitte versuchen Sie es in %(seconds)s Sekunden erneut.")
            % {"seconds": max(1, math.ceil(wait or 0))}
        )
        exc.wait = wait  # for the Retry-After header
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            "detail": _("Bitte prüfen Sie Ihre Eingaben."),
            "code": _first_code(exc.get_codes()),
            "errors": errors,
        }
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        response.data = {
            "detail": str(detail) if not isinstance(detail, dict | list) else detail,
            "code": getattr(detail, "code", None) or exc.default_code,
        }
    return response


class NewsroomErrorsMixin:
    """Use ``api_exception_handler`` (settings are shared with the browser pages)."""

    def get_exception_handler(self):
        return api_exception_handler


def not_found(request, exception):
    """The site's 404 handler: JSON in the error shape for API addresses (also when no route
    matches, e.g. a negative id), Django's page for everything else."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Nicht gefunden."), "code": "not_found"}, status=404)
    return page_not_found(request, exception)
