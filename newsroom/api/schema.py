"""OpenAPI description of the newsroom's own authentication (imported by ``urls``)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api_auth.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Persönliches Token: „Token <key>“ (auch „Bearer <key>“). "
            "Erstellen über POST /api/v1/auth/token/.",
        }


# Every refusal has the shape of ``newsroom.api.errors.api_exception_handler``.
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"description": "Für Menschen (Deutsch)."},
        "code": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {},
            "description": "Je Feld die Fehlermeldungen.",
        },
    },
    "required": ["detail", "code"],
}
_ERROR_DESCRIPTIONS = {
    "400": "Ungültige Eingabe",
    "401": "Nicht angemeldet",
    "403": "Keine Berechtigung",
    "404": "Nicht gefunden",
    "409": "Zustand oder gleichzeitige Änderung verhindert die Aktion",
    "415": "Nicht unterstütztes Format",
    "429": "Zu viele Anfragen",
}


def document_errors(result, generator, request, public):
    """drf-spectacular post-processing hook: document the error answers of every operation,
    so clients (and the schemathesis test) know them."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = ["400", "401", "403", "429"]
            if "{" in path:
                codes.append("404")
            if method in ("post", "put", "patch", "delete"):
                codes += ["409", "415"]
            for code in codes:
                operation["responses"].setdefault(
                    code, {"description": _ERROR_DESCRIPTIONS[code], "content": reference}
                )
    return result
