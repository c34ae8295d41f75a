"""The sandbox's X answers, success and error, validated against X's OpenAPI document."""

import copy
import json
from pathlib import Path

import pytest
import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.validation.response.exceptions import InvalidData

SPEC_PATH = Path(__file__).resolve().parent.parent / "contracts" / "x-api-v2-openapi.json"
TOKEN = "x-contract-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

# openapi-core cannot check the OAuth2 scheme and says so; the bearer scheme is checked.
pytestmark = pytest.mark.filterwarnings("ignore:Unsupported scheme type")


@pytest.fixture(scope="module")
def spec_document():
    return json.loads(SPEC_PATH.read_text())


@pytest.fixture
def openapi(spec_document, sandbox):
    document = copy.copy(spec_document)
    document["servers"] = [{"url": sandbox.base_url}]
    # The document is X's own; validating it on every test run only costs time.
    config = Config(
        spec_validator_cls=None,
        extra_media_type_deserializers={"application/problem+json": json.loads},
    )
    return OpenAPI.from_dict(document, config=config)


@pytest.fixture
def call(openapi, sandbox):
    """Send a request to the sandbox and validate request and response against the spec."""

    def send(method, path, validate_request=True, **kwargs):
        kwargs.setdefault("headers", AUTH)
        response = requests.request(method, sandbox.url(path), timeout=10, **kwargs)
        if validate_request:
            openapi.validate_request(RequestsOpenAPIRequest(response.request))
        openapi.validate_response(
            RequestsOpenAPIRequest(response.request), RequestsOpenAPIResponse(response)
        )
        return response

    return send


def test_it_creates_a_post_as_the_spec_says(call, sandbox):
    response = call("POST", "/2/tweets", json={"text": "Freibad öffnet am Samstag"})
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["text"] == "Freibad öffnet am Samstag"
    assert sandbox.records(network="x", kind="tweet")[0]["id"] == data["id"]


def test_it_refuses_duplicate_content_in_the_error_shape(call):
    call("POST", "/2/tweets", json={"text": "Zweimal"})
    response = call("POST", "/2/tweets", json={"text": "Zweimal"})
    assert response.status_code == 403
    body = response.json()
    assert body["detail"] == "You are not allowed to create a Tweet with duplicate content."
    assert body["code"] == 187


def test_it_answers_401_without_credentials(call):
    response = call("POST", "/2/tweets", validate_request=False, headers={},
                    json={"text": "x"})
    assert response.status_code == 401
    assert response.json()["title"] == "Unauthorized"


def test_it_answers_429_with_rate_limit_headers(call, sandbox):
    sandbox.inject_fault(TOKEN, "rate_limit", retry_after=120)
    response = call("POST", "/2/tweets", json={"text": "x"})
    assert response.status_code == 429
    assert response.headers["x-rate-limit-remaining"] == "0"
    assert int(response.headers["x-rate-limit-reset"]) > 0
    assert response.headers["Retry-After"] == "120"


def test_it_answers_server_errors_as_internal_error_problems(call, sandbox):
    sandbox.inject_fault(TOKEN, "server_error")
    response = call("POST", "/2/tweets", json={"text": "x"})
    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["type"] == "https://api.x.com/2/problems/internal-error"
    assert sandbox.records(network="x") == []


def test_it_answers_invalid_requests_as_problems(call):
    response = call("GET", "/2/users/123/tweets", validate_request=False,
                    params={"max_results": 500})
    assert response.status_code == 400
    assert response.json()["type"] == "https://api.x.com/2/problems/invalid-request"


def test_it_reads_a_post_with_fields(call, sandbox):
    created = call("POST", "/2/tweets", json={"text": "Mit Feldern"}).json()["data"]
    sandbox.set_metrics(created["id"], like_count=7)
    response = call("GET", f"/2/tweets/{created['id']}",
                    params={"tweet.fields": "public_metrics,created_at"})
    data = response.json()["data"]
    assert data["public_metrics"]["like_count"] == 7
    assert data["public_metrics"]["impression_count"] == 0
    assert data["created_at"].endswith("Z")


def test_it_reports_a_missing_post_in_errors(call):
    response = call("GET", "/2/tweets/1234567890")
    assert response.status_code == 200
    assert response.json()["errors"][0]["type"].endswith("resource-not-found")


def test_it_deletes_a_post(call, sandbox):
    created = call("POST", "/2/tweets", json={"text": "Weg damit"}).json()["data"]
    response = call("DELETE", f"/2/tweets/{created['id']}")
    assert response.json() == {"data": {"deleted": True}}
    assert call("DELETE", f"/2/tweets/{created['id']}").status_code == 404
    # Deleted text may be posted again.
    assert call("POST", "/2/tweets", json={"text": "Weg damit"}).status_code == 201


def test_it_lists_the_users_recent_posts_newest_first(call):
    me = call("GET", "/2/users/me").json()["data"]
    for text in ("eins", "zwei", "drei"):
        call("POST", "/2/tweets", json={"text": text})
    response = call("GET", f"/2/users/{me['id']}/tweets", params={"max_results": 5})
    body = response.json()
    assert [post["text"] for post in body["data"]] == ["drei", "zwei", "eins"]
    assert body["meta"]["result_count"] == 3


def test_it_uploads_video_in_chunks_and_reports_processing(call, sandbox):
    video = b"\x00\x00\x00\x18ftypmp42" + b"v" * 3000
    init = call("POST", "/2/media/upload/initialize",
                json={"media_type": "video/mp4", "total_bytes": len(video),
                      "media_category": "tweet_video"})
    media_id = init.json()["data"]["id"]
    for index, start in enumerate(range(0, len(video), 1024)):
        response = call("POST", f"/2/media/upload/{media_id}/append", validate_request=False,
                        data={"segment_index": str(index)},
                        files={"media": ("blob", video[start:start + 1024])})
        assert response.status_code == 200
    finalize = call("POST", f"/2/media/upload/{media_id}/finalize")
    assert finalize.json()["data"]["processing_info"]["state"] == "pending"
    states = []
    for _ in range(3):
        status = call("GET", "/2/media/upload",
                      params={"media_id": media_id, "command": "STATUS"})
        states.append(status.json()["data"]["processing_info"]["state"])
    assert states == ["pending", "in_progress", "succeeded"]
    created = call("POST", "/2/tweets",
                   json={"text": "Mit Video", "media": {"media_ids": [media_id]}})
    assert created.status_code == 201
    record = sandbox.records(kind="tweet")[0]
    media_bytes = requests.get(record["media"][0]["url"], timeout=5).content
    assert media_bytes == video


def test_it_refuses_media_that_is_still_processing(call):
    init = call("POST", "/2/media/upload/initialize",
                json={"media_type": "video/mp4", "total_bytes": 4,
                      "media_category": "tweet_video"})
    media_id = init.json()["data"]["id"]
    call("POST", f"/2/media/upload/{media_id}/append", validate_request=False,
         data={"segment_index": "0"}, files={"media": ("blob", b"abcd")})
    call("POST", f"/2/media/upload/{media_id}/finalize")
    response = call("POST", "/2/tweets",
                    json={"text": "Zu früh", "media": {"media_ids": [media_id]}})
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Your media IDs are invalid."


def _upload_image(call, data=b"\x89PNG\r\n\x1a\n" + b"p" * 100):
    init = call("POST", "/2/media/upload/initialize",
                json={"media_type": "image/png", "total_bytes": len(data),
                      "media_category": "tweet_image"})
    media_id = init.json()["data"]["id"]
    call("POST", f"/2/media/upload/{media_id}/append", validate_request=False,
         data={"segment_index": "0"}, files={"media": ("blob", data)})
    call("POST", f"/2/media/upload/{media_id}/finalize")
    return media_id


def test_it_sets_alt_text_on_uploaded_media_as_the_spec_says(call, sandbox):
    media_id = _upload_image(call)
    response = call("POST", "/2/media/metadata",
                    json={"id": media_id, "metadata": {"alt_text": {"text": "Rathaus bei Nacht"}}})
    assert response.status_code == 200
    assert response.json()["data"] == {
        "id": media_id, "associated_metadata": {"alt_text": {"text": "Rathaus bei Nacht"}},
    }
    call("POST", "/2/tweets", json={"text": "Mit Bild", "media": {"media_ids": [media_id]}})
    tweet = sandbox.records(kind="tweet")[0]
    assert tweet["extra"]["alt_texts"] == ["Rathaus bei Nacht"]
    page = requests.get(sandbox.url("/_sandbox/x"), timeout=5).text
    assert 'alt="Rathaus bei Nacht"' in page


def test_it_refuses_metadata_for_unknown_media(call):
    response = call("POST", "/2/media/metadata",
                    json={"id": "1234567890", "metadata": {"alt_text": {"text": "x"}}})
    assert response.status_code == 404
    assert response.json()["type"] == "https://api.x.com/2/problems/resource-not-found"


def test_it_refuses_alt_text_longer_than_the_spec_allows(call):
    media_id = _upload_image(call)
    response = call("POST", "/2/media/metadata", validate_request=False,
                    json={"id": media_id, "metadata": {"alt_text": {"text": "a" * 1001}}})
    assert response.status_code == 400
    assert response.json()["type"] == "https://api.x.com/2/problems/invalid-request"


def test_the_contract_check_rejects_a_wrong_shape(openapi, sandbox):
    # Guards the guard: a post id that is not numeric must fail validation.
    prepared = requests.Request("POST", sandbox.url("/2/tweets"), headers=AUTH,
                                json={"text": "x"}).prepare()
    response = requests.Response()
    response.status_code = 201
    response.headers["Content-Type"] = "application/json"
    response._content = b'{"data": {"id": "not-a-number", "text": "x"}}'
    response.request = prepared
    with pytest.raises(InvalidData):
        openapi.validate_response(RequestsOpenAPIRequest(prepared),
                                  RequestsOpenAPIResponse(response))
