"""Property-based API test: schemathesis generates requests from the OpenAPI schema
(/api/schema/) and sends them to the WSGI app with a personal token. No answer may be a server
error, and every answer must match the schema (status code, content type, body).

Bounded (``MAX_EXAMPLES`` per operation and mode, derandomised) so the run stays under a
minute. Hypothesis drives each operation directly (schemathesis' pytest plugin does not work
with this pytest version).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import ApiToken
from accounts.roles import Role
from tests.factories import channel, image_asset, member

MAX_EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def api_schema(db, department):
    # Something to find: a channel and a picture of the department.
    channel("facebook", department)
    image_asset(department)
    # As Django's test client does: requests must not close the test's database connection
    # (it holds the transaction that is rolled back after the test).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(comms_department):
    # A duty editor reaches every operation (drafts, reviews, the audit log) in every department.
    person = member(Role.DUTY_EDITOR, comms_department, username="api-fuzzer")
    _token, key = ApiToken.issue(person, "schemathesis")
    return key


def test_the_api_answers_every_generated_request_within_its_schema(api_schema, token):
    headers = {"Authorization": f"Token {token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    failures: dict[str, str] = {}
    run = 0
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            calls: list[int] = []

            @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
                      phases=[Phase.explicit, Phase.generate], database=None,
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case):
                calls.append(1)  # noqa: B023 (run before the loop moves on)
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                check()
            except (Exception, ExceptionGroup) as exc:
                name = f"{operation.method.upper()} {operation.path} ({mode.value})"
                failures[name] = str(exc)[:1500]
            run += len(calls)
    print(f"\nschemathesis: {len(operations)} operations, {run} cases run")
    assert len(operations) >= 15
    assert not failures, "\n\n".join(f"{name}: {text}" for name, text in failures.items())


@pytest.mark.django_db
def test_unknown_api_addresses_answer_json_and_pages_html(client, editor):
    client.force_login(editor)
    response = client.get("/api/v1/posts/-1/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Nicht gefunden.", "code": "not_found"}
    page = client.get("/gibt-es-nicht/")
    assert page.status_code == 404 and page.headers["Content-Type"].startswith("text/html")
