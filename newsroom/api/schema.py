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
