"""The Graph client's one error parser, on every error code the sandbox produces."""

import httpx
import pytest

from channels_publish.adapters import (
    AuthorizationFailed,
    OutcomeUnknown,
    PermanentFailure,
    RetryLater,
)
from channels_publish.adapters.graph import GraphClient, parse_graph_error

from .conftest import IG_USER, PAGE_ID

TOKEN = "graph-errors-token"


def client(sandbox, token=TOKEN, network="Facebook"):
    return GraphClient(sandbox.base_url, "v21.0", token, network=network, timeout_s=5)


def feed_post(sandbox, media, **kwargs):
    return client(sandbox).post(f"{PAGE_ID}/feed", {"message": "Hallo"}, creates=True)


def ig(sandbox):
    return client(sandbox, network="Instagram")


def case_no_token(sandbox, media):
    client(sandbox, token="").get(f"{PAGE_ID}/feed")


def case_expired(sandbox, media):
    sandbox.inject_fault(TOKEN, "expired_token")
    feed_post(sandbox, media)


def case_revoked(sandbox, media):
    sandbox.inject_fault(TOKEN, "expired_token", revoked=True, status=401)
    feed_post(sandbox, media)


def rate_limit(code):
    def case(sandbox, media):
        sandbox.inject_fault(TOKEN, "rate_limit", code=code, retry_after=90)
        feed_post(sandbox, media)

    return case


def case_server_error_on_create(sandbox, media):
    sandbox.inject_fault(TOKEN, "server_error")
    feed_post(sandbox, media)


def case_server_error_on_read(sandbox, media):
    sandbox.inject_fault(TOKEN, "server_error")
    client(sandbox).get(f"{PAGE_ID}/feed")


def case_invalid_parameter(sandbox, media):
    client(sandbox).post(f"{PAGE_ID}/feed", {"message": ""}, creates=True)


def case_unknown_object(sandbox, media):
    client(sandbox).get("999999999")


def case_unknown_path(sandbox, media):
    client(sandbox).get(f"{PAGE_ID}/nonsense")


def case_duplicate(sandbox, media):
    feed_post(sandbox, media)
    feed_post(sandbox, media)


def case_photo_url(sandbox, media):
    client(sandbox).post(f"{PAGE_ID}/photos", {"url": f"{media}/missing.jpg"}, creates=True)


def case_video_url(sandbox, media):
    client(sandbox).post(f"{PAGE_ID}/videos", {"file_url": f"{media}/missing.mp4"}, creates=True)


def case_ig_image_url(sandbox, media):
    ig(sandbox).post(f"{IG_USER}/media", {"image_url": f"{media}/page.html"})


def case_ig_not_ready(sandbox, media):
    created = ig(sandbox).post(f"{IG_USER}/media",
                               {"media_type": "REELS", "video_url": f"{media}/clip.mp4"})
    ig(sandbox).post(f"{IG_USER}/media_publish", {"creation_id": created["id"]}, creates=True)


def case_ig_unknown_container(sandbox, media):
    ig(sandbox).post(f"{IG_USER}/media_publish", {"creation_id": "123"}, creates=True)


def case_ig_publishing_limit(sandbox, media):
    sandbox.register_account("instagram", IG_USER, publishing_limit=0)
    created = ig(sandbox).post(f"{IG_USER}/media", {"image_url": f"{media}/photo.jpg"})
    ig(sandbox).post(f"{IG_USER}/media_publish", {"creation_id": created["id"]}, creates=True)


CASES = [
    ("104", case_no_token, AuthorizationFailed),
    ("190/463", case_expired, AuthorizationFailed),
    ("190/458", case_revoked, AuthorizationFailed),
    ("4", rate_limit(4), RetryLater),
    ("17", rate_limit(17), RetryLater),
    ("32", rate_limit(32), RetryLater),
    ("613", rate_limit(613), RetryLater),
    ("2", case_server_error_on_create, OutcomeUnknown),
    ("2", case_server_error_on_read, RetryLater),
    ("100", case_invalid_parameter, PermanentFailure),
    ("100/33", case_unknown_object, PermanentFailure),
    ("2500", case_unknown_path, PermanentFailure),
    ("506", case_duplicate, PermanentFailure),
    ("324", case_photo_url, PermanentFailure),
    ("389", case_video_url, PermanentFailure),
    ("9004/2207052", case_ig_image_url, PermanentFailure),
    ("9007/2207027", case_ig_not_ready, RetryLater),
    ("24/2207008", case_ig_unknown_container, PermanentFailure),
    ("9/2207042", case_ig_publishing_limit, RetryLater),
]


@pytest.mark.parametrize(("label", "case", "expected"), CASES,
                         ids=[f"{label}-{case.__name__}" for label, case, _ in CASES])
def test_it_classifies_every_graph_error_by_code(sandbox, media_server, label, case, expected):
    with pytest.raises(expected) as caught:
        case(sandbox, media_server)
    error = parse_graph_error(caught.value.http_status, caught.value.raw)
    assert error.label == label
    assert f"Code {label}" in caught.value.message_de
    assert error.fbtrace_id


def test_rate_limits_carry_retry_after(sandbox, media_server):
    with pytest.raises(RetryLater) as caught:
        rate_limit(613)(sandbox, media_server)
    assert caught.value.retry_after_s == 90


def test_it_parses_a_body_that_is_not_graphs():
    error = parse_graph_error(502, "<html>Bad Gateway</html>", httpx.Headers())
    assert (error.code, error.is_transient, error.http_status) == (None, True, 502)


def test_it_branches_on_code_not_on_http_status():
    body = {"error": {"message": "(#32) Page request limit reached", "type": "OAuthException",
                      "code": 32, "error_subcode": None, "is_transient": True,
                      "fbtrace_id": "Abc"}}
    from channels_publish.adapters.graph import classify_graph_error

    for status in (200, 400, 403, 500):
        error = parse_graph_error(status, body, httpx.Headers({"Retry-After": "5"}))
        assert isinstance(classify_graph_error(error, network="Facebook", creates=True),
                          RetryLater)


def test_a_refused_connection_is_retry_later():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    graph = GraphClient(f"http://127.0.0.1:{port}", "v21.0", TOKEN, network="Facebook")
    with pytest.raises(RetryLater):
        graph.post(f"{PAGE_ID}/feed", {"message": "x"}, creates=True)
