"""The sandbox's X inbound endpoints (mentions, DMs, hidden replies), checked against X's
OpenAPI document like the publishing endpoints in ``test_x_contract``."""

import pytest

from .test_x_contract import AUTH, TOKEN, call, openapi, spec_document  # noqa: F401

pytestmark = pytest.mark.filterwarnings("ignore:Unsupported scheme type")


@pytest.fixture
def me(call):  # noqa: F811
    return call("GET", "/2/users/me").json()["data"]["id"]


@pytest.fixture
def our_post(call):  # noqa: F811
    return call("POST", "/2/tweets", json={"text": "Sperrung Brücke"}).json()["data"]["id"]


def test_it_lists_mentions_with_expansions(call, sandbox, me, our_post):  # noqa: F811
    comment = sandbox.add_inbound("x", "comment", "Wie lange?", on=our_post,
                                  author={"name": "Mia Klein", "handle": "miaklein"})
    mention = sandbox.add_inbound("x", "mention", "@stadt Hallo", account=TOKEN)
    response = call("GET", f"/2/users/{me}/mentions",
                    params={"post.fields": "created_at,conversation_id",
                            "expansions": "author_id,referenced_posts", "max_results": 5})
    body = response.json()
    assert [post["id"] for post in body["data"]] == [mention["id"], comment["id"]]
    assert body["data"][1]["conversation_id"] == our_post
    assert body["data"][1]["referenced_tweets"] == [{"type": "replied_to", "id": our_post}]
    assert {"id": comment["author"]["id"], "name": "Mia Klein",
            "username": "miaklein"} in body["includes"]["users"]
    assert body["meta"]["newest_id"] == mention["id"]


def test_it_pages_mentions_and_honours_since_id(call, sandbox, me, our_post):  # noqa: F811
    ids = sandbox.add_inbound_bulk(count=7, network="x", on=our_post)
    first = call("GET", f"/2/users/{me}/mentions", params={"max_results": 5}).json()
    assert [post["id"] for post in first["data"]] == ids[::-1][:5]
    rest = call("GET", f"/2/users/{me}/mentions",
                params={"max_results": 5, "pagination_token": first["meta"]["next_token"]})
    assert [post["id"] for post in rest.json()["data"]] == ids[1::-1]
    assert "next_token" not in rest.json()["meta"]
    newer = call("GET", f"/2/users/{me}/mentions",
                 params={"max_results": 5, "since_id": ids[4]}).json()
    assert [post["id"] for post in newer["data"]] == ids[:4:-1]
    assert call("GET", f"/2/users/{me}/mentions",
                params={"since_id": ids[-1]}).json() == {"meta": {"result_count": 0}}


def test_it_refuses_a_bad_max_results_for_mentions(call, me):  # noqa: F811
    response = call("GET", f"/2/users/{me}/mentions", validate_request=False,
                    params={"max_results": 2})
    assert response.status_code == 400


def test_it_lists_dm_events_and_a_conversations_events(call, sandbox):  # noqa: F811
    first = sandbox.add_inbound("x", "message", "Erste Frage", account=TOKEN)
    other = sandbox.add_inbound("x", "message", "Andere Person", account=TOKEN)
    body = call("GET", "/2/dm_events",
                params={"dm_event.fields": "created_at,dm_conversation_id,text",
                        "expansions": "sender_id", "max_results": 1}).json()
    assert [event["id"] for event in body["data"]] == [other["id"]]
    assert body["data"][0]["sender_id"] == other["author"]["id"]
    assert body["includes"]["users"][0]["id"] == other["author"]["id"]
    more = call("GET", "/2/dm_events", params={"pagination_token": body["meta"]["next_token"]})
    assert [event["id"] for event in more.json()["data"]] == [first["id"]]
    one = call("GET", f"/2/dm_conversations/{first['thread']}/dm_events").json()
    assert [event["id"] for event in one["data"]] == [first["id"]]


def test_it_sends_a_direct_message(call, sandbox):  # noqa: F811
    message = sandbox.add_inbound("x", "message", "Hallo", account=TOKEN)
    response = call("POST", f"/2/dm_conversations/with/{message['author']['id']}/messages",
                    json={"text": "Guten Tag!"})
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["dm_conversation_id"] == message["thread"]
    (record,) = sandbox.replies(network="x")
    assert (record["kind"], record["id"], record["text"]) == (
        "direct_message", data["dm_event_id"], "Guten Tag!")


def test_it_refuses_a_message_to_a_stranger(call):  # noqa: F811
    response = call("POST", "/2/dm_conversations/with/123456/messages", json={"text": "Hi"})
    assert response.status_code == 403
    assert response.json()["type"].endswith("not-authorized-for-resource")


def test_it_replies_to_a_citizen_and_hides_a_reply(call, sandbox, our_post):  # noqa: F811
    comment = sandbox.add_inbound("x", "comment", "Frage", on=our_post)
    created = call("POST", "/2/tweets",
                   json={"text": "Antwort", "reply": {"in_reply_to_tweet_id": comment["id"]}})
    assert created.status_code == 201
    (record,) = sandbox.replies(network="x")
    assert (record["id"], record["extra"]["parent"]) == (created.json()["data"]["id"],
                                                         comment["id"])
    hidden = call("PUT", f"/2/tweets/{comment['id']}/hidden", json={"hidden": True})
    assert hidden.json() == {"data": {"hidden": True}}
    assert sandbox.inbound_item(comment["id"])["hidden"] is True
    # Another user's post cannot be deleted.
    assert call("DELETE", f"/2/tweets/{comment['id']}").status_code == 403


def test_faults_apply_to_the_inbound_endpoints(call, sandbox, me):  # noqa: F811
    sandbox.inject_fault(TOKEN, "rate_limit", network="x", operation="read", retry_after=30)
    limited = call("GET", f"/2/users/{me}/mentions")
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "30")
    sandbox.inject_fault(TOKEN, "server_error", network="x", operation="moderate")
    failed = call("PUT", "/2/tweets/1/hidden", json={"hidden": True})
    assert failed.status_code == 503
    sandbox.inject_fault(TOKEN, "expired_token", network="x")
    assert call("GET", "/2/dm_events").status_code == 401
