"""The sandbox's Graph inbound endpoints as httpx sees them: shapes, paging, faults."""

import json

import httpx
import pytest

PAGE = "104000000000099"
PAGE_TOKEN = "fb-graph-inbound"
IG_USER = "17841400000000099"
IG_TOKEN = "ig-graph-inbound"


@pytest.fixture
def graph(sandbox):
    return httpx.Client(base_url=sandbox.graph_url())


@pytest.fixture
def page_post(graph):
    return graph.post(f"/{PAGE}/feed", data={"message": "Hallo",
                                             "access_token": PAGE_TOKEN}).json()["id"]


@pytest.fixture
def ig_media(sandbox, media_server, graph):
    container = graph.post(f"/{IG_USER}/media", data={
        "image_url": f"{media_server}/photo.jpg", "caption": "Bild",
        "access_token": IG_TOKEN}).json()["id"]
    return graph.post(f"/{IG_USER}/media_publish", data={
        "creation_id": container, "access_token": IG_TOKEN}).json()["id"]


def get(graph, path, token=PAGE_TOKEN, **params):
    return graph.get(path, params={"access_token": token, **params})


def test_comments_are_top_level_by_default_and_all_with_stream(sandbox, graph, page_post):
    top = sandbox.add_inbound("facebook", "comment", "Oben", on=page_post)
    answer = sandbox.add_inbound("facebook", "comment", "Drunter", on=top["id"])
    deeper = sandbox.add_inbound("facebook", "comment", "Noch tiefer", on=answer["id"])
    toplevel = get(graph, f"/{page_post}/comments").json()
    assert [c["id"] for c in toplevel["data"]] == [top["id"]]
    assert set(toplevel["data"][0]) == {"id", "message", "created_time", "from"}
    stream = get(graph, f"/{page_post}/comments", filter="stream",
                 fields="id,message,parent,comment_count,is_hidden").json()
    assert [c["id"] for c in stream["data"]] == [top["id"], answer["id"], deeper["id"]]
    # Facebook nests one level: an answer to an answer joins the top-level comment.
    assert stream["data"][2]["parent"] == {"id": top["id"]}
    assert stream["data"][0]["comment_count"] == 2
    answers = get(graph, f"/{top['id']}/comments").json()
    assert [c["id"] for c in answers["data"]] == [answer["id"], deeper["id"]]


def test_comments_page_with_cursors_and_filter_by_since(sandbox, graph, page_post):
    ids = sandbox.add_inbound_bulk(count=5, network="facebook", on=page_post)
    first = get(graph, f"/{page_post}/comments", limit=2).json()
    assert [c["id"] for c in first["data"]] == ids[:2]
    # paging.next leaves the token out, as Graph does for tokens sent in a header.
    following = httpx.get(first["paging"]["next"] + f"&access_token={PAGE_TOKEN}").json()
    assert [c["id"] for c in following["data"]] == ids[2:4]
    items = {item["id"]: item for item in sandbox.inbound(network="facebook")}
    since = items[ids[3]]["created_at"]
    recent = get(graph, f"/{page_post}/comments", since=since).json()
    assert [c["id"] for c in recent["data"]] == ids[3:]
    newest_first = get(graph, f"/{page_post}/comments", order="reverse_chronological").json()
    assert [c["id"] for c in newest_first["data"]] == ids[::-1]
    assert "next" not in newest_first["paging"]


def test_it_hides_and_deletes_facebook_comments(sandbox, graph, page_post):
    comment = sandbox.add_inbound("facebook", "comment", "Böse", on=page_post)
    hidden = graph.post(f"/{comment['id']}", data={"is_hidden": "true",
                                                   "access_token": PAGE_TOKEN})
    assert hidden.json() == {"success": True}
    listed = get(graph, f"/{page_post}/comments", fields="id,is_hidden").json()
    assert listed["data"] == [{"id": comment["id"], "is_hidden": True}]
    deleted = graph.delete(f"/{comment['id']}", params={"access_token": PAGE_TOKEN})
    assert deleted.json() == {"success": True}
    assert get(graph, f"/{page_post}/comments").json()["data"] == []
    assert [m["extra"]["action"] for m in sandbox.moderations()] == ["hide", "delete"]
    # A post is not a comment: hiding it is refused with Graph's 100/33.
    refused = graph.post(f"/{page_post}", data={"is_hidden": "true",
                                                "access_token": PAGE_TOKEN}).json()
    assert (refused["error"]["code"], refused["error"]["error_subcode"]) == (100, 33)


def test_instagram_comments_nest_replies_and_hide_with_hide(sandbox, graph, ig_media):
    comment = sandbox.add_inbound("instagram", "comment", "Toll", on=ig_media,
                                  author={"name": "Finn", "handle": "finn_f"})
    created = graph.post(f"/{comment['id']}/replies",
                         data={"message": "Danke", "access_token": IG_TOKEN}).json()
    body = get(graph, f"/{ig_media}/comments", IG_TOKEN,
               fields="id,text,username,hidden,replies{id,text,from}").json()
    (item,) = body["data"]
    assert (item["text"], item["username"], item["hidden"]) == ("Toll", "finn_f", False)
    (answer,) = item["replies"]["data"]
    assert (answer["id"], answer["text"], answer["from"]["id"], answer["parent_id"]) == (
        created["id"], "Danke", IG_USER, comment["id"])
    graph.post(f"/{comment['id']}", data={"hide": "true", "access_token": IG_TOKEN})
    assert sandbox.inbound_item(comment["id"])["hidden"] is True
    missing = graph.post(f"/{comment['id']}", data={"access_token": IG_TOKEN}).json()
    assert missing["error"]["code"] == 100


@pytest.mark.parametrize("platform, node, token", [
    ("messenger", PAGE, PAGE_TOKEN), ("instagram", IG_USER, IG_TOKEN)])
def test_conversations_messages_and_sending(sandbox, graph, platform, node, token):
    network = "facebook" if platform == "messenger" else "instagram"
    message = sandbox.add_inbound(network, "message", "Hallo?", account=node)
    listed = get(graph, f"/{node}/conversations", token, platform=platform,
                 fields="id,updated_time,participants,messages{message,from}").json()
    (conversation,) = listed["data"]
    assert conversation["id"] == message["thread"]
    assert conversation["messages"]["data"][0]["message"] == "Hallo?"
    sent = graph.post(f"/{node}/messages", data={
        "recipient": json.dumps({"id": message["author"]["id"]}),
        "message": json.dumps({"text": "Guten Tag"}), "messaging_type": "RESPONSE",
        "platform": platform, "access_token": token}).json()
    assert sent["recipient_id"] == message["author"]["id"]
    messages = get(graph, f"/{message['thread']}/messages", token, platform=platform,
                   fields="id,message,from,to").json()
    assert [m["message"] for m in messages["data"]] == ["Guten Tag", "Hallo?"]
    assert messages["data"][0]["from"]["id"] == node
    assert messages["data"][0]["to"]["data"][0]["id"] == message["author"]["id"]
    (record,) = sandbox.replies(network=network)
    assert (record["id"], record["extra"]["thread"]) == (sent["message_id"], message["thread"])


def test_a_message_to_a_stranger_is_refused(graph):
    refused = graph.post(f"/{PAGE}/messages", data={
        "recipient": json.dumps({"id": "999"}), "message": json.dumps({"text": "Hi"}),
        "access_token": PAGE_TOKEN}).json()
    assert (refused["error"]["code"], refused["error"]["error_subcode"]) == (100, 2018001)


def test_faults_apply_by_network_and_operation(sandbox, graph, page_post, ig_media):
    fb_comment = sandbox.add_inbound("facebook", "comment", "Frage", on=page_post)
    ig_comment = sandbox.add_inbound("instagram", "comment", "Frage", on=ig_media)
    sandbox.inject_fault(IG_TOKEN, "rate_limit", network="instagram", operation="read")
    assert get(graph, f"/{page_post}/comments").status_code == 200
    limited = get(graph, f"/{ig_media}/comments", IG_TOKEN).json()
    assert limited["error"]["code"] == 4
    sandbox.inject_fault(PAGE_TOKEN, "timeout_after_create", network="facebook",
                         operation="create", delay_s=0.01)
    reply = graph.post(f"/{fb_comment['id']}/comments",
                       data={"message": "Antwort", "access_token": PAGE_TOKEN})
    assert reply.status_code == 200
    assert sandbox.faults() == []
    sandbox.inject_fault(IG_TOKEN, "server_error", network="instagram", operation="delete")
    failed = graph.delete(f"/{ig_comment['id']}", params={"access_token": IG_TOKEN}).json()
    assert failed["error"]["code"] == 2
    sandbox.inject_fault(PAGE_TOKEN, "expired_token", network="facebook")
    assert get(graph, f"/{PAGE}/conversations").json()["error"]["code"] == 190
