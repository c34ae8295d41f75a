"""The sandbox's X endpoints for metrics, validated against X's OpenAPI document."""

import copy
import json
from pathlib import Path

import pytest
import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from .conftest import days_ago

SPEC_PATH = Path(__file__).resolve().parent.parent / "contracts" / "x-api-v2-openapi.json"
AUTH = {"Authorization": "Bearer x-analytics"}

pytestmark = pytest.mark.filterwarnings("ignore:Unsupported scheme type")


@pytest.fixture(scope="module")
def spec_document():
    return json.loads(SPEC_PATH.read_text())


@pytest.fixture
def call(spec_document, own_sandbox):
    document = copy.copy(spec_document)
    document["servers"] = [{"url": own_sandbox.base_url}]
    openapi = OpenAPI.from_dict(document, config=Config(
        spec_validator_cls=None,
        extra_media_type_deserializers={"application/problem+json": json.loads},
    ))

    def send(method, path, **kwargs):
        response = requests.request(method, own_sandbox.base_url + path, headers=AUTH,
                                    timeout=10, **kwargs)
        openapi.validate_request(RequestsOpenAPIRequest(response.request))
        openapi.validate_response(RequestsOpenAPIRequest(response.request),
                                  RequestsOpenAPIResponse(response))
        return response

    return send


def test_it_looks_up_posts_with_public_metrics_as_the_spec_says(call, own_sandbox):
    first = own_sandbox.add_item("x", days_ago(2))
    second = own_sandbox.add_item("x", days_ago(1))
    response = call("GET", "/2/tweets", params={
        "ids": f"{first.id},{second.id},1999999999999999999", "post.fields": "public_metrics",
    })
    body = response.json()
    assert [item["id"] for item in body["data"]] == [first.id, second.id]
    metrics = body["data"][0]["public_metrics"]
    assert metrics["impression_count"] > 0
    assert metrics["like_count"] > 0
    assert body["errors"][0]["resource_id"] == "1999999999999999999"


def test_it_answers_a_user_with_public_metrics_as_the_spec_says(call, own_sandbox):
    user_id = own_sandbox.x_user()
    response = call("GET", f"/2/users/{user_id}", params={"user.fields": "public_metrics"})
    data = response.json()["data"]
    assert data["id"] == user_id
    assert data["public_metrics"]["followers_count"] > 0


def test_figures_grow_with_age_and_start_at_zero():
    from channels_publish.sandbox import insights
    from channels_publish.sandbox.store import Record

    young = Record(network="x", kind="tweet", id="1900000000000000001", account="a", owner="o",
                   created_at=days_ago(0))
    day = Record(network="x", kind="tweet", id="1900000000000000001", account="a", owner="o",
                 created_at=days_ago(1))
    week = Record(network="x", kind="tweet", id="1900000000000000001", account="a", owner="o",
                  created_at=days_ago(7))
    assert insights.figures(young)["impressions"] == 0
    assert 0 < insights.figures(day)["impressions"] < insights.figures(week)["impressions"]
    assert insights.figures(week)["impressions"] <= insights.lifetime_figures(week.id)[
        "impressions"]
