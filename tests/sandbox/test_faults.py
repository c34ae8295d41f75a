"""Every fault kind, over real HTTP."""

import time

import httpx
import pytest
import requests

X_TOKEN = "x-fault-token"
X_AUTH = {"Authorization": f"Bearer {X_TOKEN}"}
PAGE_TOKEN = "page-fault-token"
PAGE = "104000000000009"
IG_USER = "17841400000000009"


def tweet(sandbox, text, timeout=5):
    return requests.post(sandbox.url("/2/tweets"), json={"text": text}, headers=X_AUTH,
                         timeout=timeout)


def page_post(sandbox, message):
    return httpx.post(sandbox.graph_url() + f"/{PAGE}/feed",
                      data={"message": message, "access_token": PAGE_TOKEN})


def test_rate_limit_fires_times_times_then_stops(sandbox):
    sandbox.inject_fault(X_TOKEN, "rate_limit", times=2)
    assert [tweet(sandbox, f"t{i}").status_code for i in range(3)] == [429, 429, 201]
    assert sandbox.faults() == []


def test_rate_limit_on_graph_uses_its_codes(sandbox):
    sandbox.inject_fault(PAGE_TOKEN, "rate_limit", network="facebook")
    response = page_post(sandbox, "x")
    error = response.json()["error"]
    assert (error["code"], error["is_transient"]) == (32, True)
    assert response.headers["Retry-After"] == "60"
    sandbox.inject_fault(PAGE, "rate_limit", code=613)  # faults may name the page id
    assert page_post(sandbox, "y").json()["error"]["code"] == 613


def test_server_error_creates_nothing(sandbox):
    sandbox.inject_fault(PAGE_TOKEN, "server_error")
    response = page_post(sandbox, "Wichtig")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == 2
    assert sandbox.records() == []


def test_faults_can_be_limited_to_network_and_operation(sandbox):
    sandbox.inject_fault(X_TOKEN, "server_error", network="x", operation="delete")
    created = tweet(sandbox, "bleibt").json()["data"]
    assert requests.get(sandbox.url(f"/2/tweets/{created['id']}"), headers=X_AUTH,
                        timeout=5).status_code == 200
    deleted = requests.delete(sandbox.url(f"/2/tweets/{created['id']}"), headers=X_AUTH,
                              timeout=5)
    assert deleted.status_code == 503
    sandbox.inject_fault(X_TOKEN, "server_error", network="youtube")
    assert tweet(sandbox, "andere Plattform").status_code == 201


def test_timeout_after_create_records_the_post_and_delays_the_answer(sandbox):
    sandbox.inject_fault(X_TOKEN, "timeout_after_create", delay_s=3)
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        tweet(sandbox, "angekommen?", timeout=0.5)
    assert time.monotonic() - started < 2
    (record,) = sandbox.records(network="x", kind="tweet")
    assert record["text"] == "angekommen?"
    # The adapter's retry meets the duplicate check, as on the real network.
    assert tweet(sandbox, "angekommen?").status_code == 403


def test_timeout_after_create_can_drop_the_connection(sandbox):
    sandbox.inject_fault(PAGE_TOKEN, "timeout_after_create", drop=True)
    with pytest.raises(httpx.TransportError):
        page_post(sandbox, "verschluckt")
    assert [r["text"] for r in sandbox.records(network="facebook")] == ["verschluckt"]


def test_expired_token_persists_until_cleared(sandbox):
    sandbox.inject_fault(PAGE_TOKEN, "expired_token", times=1)
    for _ in range(2):
        error = page_post(sandbox, "x").json()["error"]
        assert (error["code"], error["error_subcode"]) == (190, 463)
    sandbox.clear_faults(PAGE_TOKEN)
    assert page_post(sandbox, "wieder gültig").status_code == 200


def test_revoked_token_answers_its_subcode(sandbox):
    sandbox.inject_fault(PAGE_TOKEN, "expired_token", revoked=True, status=401)
    response = page_post(sandbox, "x")
    assert response.status_code == 401
    assert response.json()["error"]["error_subcode"] == 458


def test_slow_answers_normally_after_the_delay(sandbox):
    sandbox.inject_fault(X_TOKEN, "slow", delay_s=0.6)
    started = time.monotonic()
    assert tweet(sandbox, "langsam").status_code == 201
    assert time.monotonic() - started >= 0.6


def test_ig_container_error_ends_the_next_container_in_error(sandbox, media_server):
    sandbox.inject_fault(PAGE_TOKEN, "ig_container_error")
    graph = httpx.Client(base_url=sandbox.graph_url(), params={"access_token": PAGE_TOKEN})
    failed = graph.post(f"/{IG_USER}/media",
                        data={"image_url": f"{media_server}/photo.jpg"}).json()["id"]
    status = graph.get(f"/{failed}", params={"fields": "status_code,status"}).json()
    assert status["status_code"] == "ERROR"
    assert status["status"].startswith("Error")
    fine = graph.post(f"/{IG_USER}/media",
                      data={"image_url": f"{media_server}/photo.jpg"}).json()["id"]
    assert graph.get(f"/{fine}", params={"fields": "status_code"}).json()["status_code"] == (
        "FINISHED")


def test_youtube_quota_only_hits_youtube(sandbox):
    sandbox.inject_fault("yt-fault-token", "youtube_quota", times=0)
    for _ in range(2):
        response = requests.get(sandbox.url("/youtube/v3/channels?part=id&mine=true"),
                                headers={"Authorization": "Bearer yt-fault-token"}, timeout=5)
        assert response.status_code == 403
        assert response.json()["error"]["errors"][0]["reason"] == "quotaExceeded"


def test_unknown_fault_kinds_are_refused(sandbox):
    with pytest.raises(RuntimeError, match="kind must be one of"):
        sandbox.inject_fault(X_TOKEN, "meteor")
