"""The inbound control API (by hand, in bulk), its Python helpers and the pages' comments."""

import time

import httpx
import pytest
import requests

from channels_publish.sandbox.control import SandboxControlError

PAGE = "104000000000088"
PAGE_TOKEN = "fb-inbound-token"


@pytest.fixture
def page_post(sandbox):
    response = httpx.post(sandbox.graph_url() + f"/{PAGE}/feed",
                          data={"message": "Wochenmarkt verlegt", "access_token": PAGE_TOKEN})
    return response.json()["id"]


def test_it_creates_a_comment_by_hand(sandbox, page_post):
    created = sandbox.add_inbound("facebook", "comment", "Wohin denn?", on=page_post,
                                  author={"id": "555", "name": "Karl Braun", "handle": "kb"},
                                  created_at="2026-03-01T09:30:00Z")
    assert created["owner"] == PAGE
    assert (created["post_id"], created["parent"], created["thread"]) == (
        page_post, "", created["id"])
    assert created["author"] == {"id": "555", "name": "Karl Braun", "handle": "kb"}
    assert created["created_at"].startswith("2026-03-01T09:30:00")
    answer = sandbox.add_inbound("facebook", "comment", "Zum Rathaus", on=created["id"])
    assert (answer["parent"], answer["thread"], answer["post_id"]) == (
        created["id"], created["id"], page_post)
    assert sandbox.inbound_item(created["id"])["answers"][0]["id"] == answer["id"]
    assert [item["id"] for item in sandbox.inbound(network="facebook", account=PAGE)] == [
        created["id"], answer["id"]]


def test_it_generates_authors_and_texts_when_none_are_given(sandbox, page_post):
    first = sandbox.add_inbound("facebook", "comment", on=page_post)
    second = sandbox.add_inbound("facebook", "comment", on=page_post)
    assert first["text"] and second["text"]
    assert first["author"]["id"] != second["author"]["id"]


def test_it_refuses_what_the_network_does_not_have(sandbox, page_post):
    with pytest.raises(SandboxControlError, match="no inbound kind 'mention'"):
        sandbox.add_inbound("facebook", "mention", "x", account=PAGE)
    with pytest.raises(SandboxControlError, match="needs on"):
        sandbox.add_inbound("facebook", "comment", "x", account=PAGE)
    with pytest.raises(SandboxControlError, match="no published item"):
        sandbox.add_inbound("facebook", "comment", "x", on="404_404")
    with pytest.raises(SandboxControlError, match="youtube has no inbound kind 'message'"):
        sandbox.add_inbound("youtube", "message", "x", account="UC" + "a" * 22)


def test_bulk_takes_items_and_a_count_and_cycles_through_on(sandbox, page_post):
    other = httpx.post(sandbox.graph_url() + f"/{PAGE}/feed",
                       data={"message": "Zweiter Beitrag", "access_token": PAGE_TOKEN}
                       ).json()["id"]
    ids = sandbox.add_inbound_bulk(
        items=[{"network": "facebook", "kind": "message", "account": PAGE, "text": "Hallo"}],
        count=4, network="facebook", on=[page_post, other],
    )
    assert len(ids) == 5
    items = {item["id"]: item for item in sandbox.inbound(network="facebook")}
    assert items[ids[0]]["kind"] == "message"
    assert [items[i]["post_id"] for i in ids[1:]] == [page_post, other, page_post, other]
    times = [items[i]["created_at"] for i in ids[1:]]
    assert times == sorted(times) and len(set(times)) == 4
    assert len({items[i]["text"] for i in ids[1:]}) > 1


def test_bulk_creates_ten_thousand_items_quickly(sandbox, page_post):
    started = time.perf_counter()
    ids = sandbox.add_inbound_bulk(count=10_000, network="facebook", on=page_post)
    elapsed = time.perf_counter() - started
    assert len(set(ids)) == 10_000
    assert elapsed < 10
    # Publishing is not slowed down: inbound items stay out of the timelines.
    feed = httpx.get(sandbox.graph_url() + f"/{PAGE}/feed",
                     params={"access_token": PAGE_TOKEN}).json()
    assert [post["id"] for post in feed["data"]] == [page_post]


def test_reset_forgets_inbound_items(sandbox, page_post):
    sandbox.add_inbound("facebook", "message", "Hallo", account=PAGE)
    sandbox.reset()
    assert sandbox.inbound() == []
    conversations = httpx.get(sandbox.graph_url() + f"/{PAGE}/conversations",
                              params={"access_token": PAGE_TOKEN}).json()
    assert conversations["data"] == []


def test_the_page_shows_comments_and_adds_one_through_the_form(sandbox, page_post):
    comment = sandbox.add_inbound("facebook", "comment", "<b>Frage</b>", on=page_post,
                                  author={"name": "Ben"})
    httpx.post(sandbox.graph_url() + f"/{comment['id']}/comments",
               data={"message": "Unsere Antwort", "access_token": PAGE_TOKEN})
    httpx.post(sandbox.graph_url() + f"/{comment['id']}",
               data={"is_hidden": "true", "access_token": PAGE_TOKEN})
    html = requests.get(sandbox.url("/_sandbox/facebook"), timeout=5).text
    assert "&lt;b&gt;Frage&lt;/b&gt;" in html and "<b>Frage" not in html
    assert "Unsere Antwort" in html and "our reply" in html and ">hidden<" in html
    assert 'action="/_sandbox/inbound/comment"' in html
    assert "<script" not in html and "style=" not in html
    response = requests.post(sandbox.url("/_sandbox/inbound/comment"), timeout=5,
                             data={"network": "facebook", "on": page_post, "author": "Lea",
                                   "text": "Per Hand geschrieben"}, allow_redirects=False)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/_sandbox/facebook#{page_post}"
    (added,) = [i for i in sandbox.inbound(network="facebook")
                if i["text"] == "Per Hand geschrieben"]
    assert (added["author"]["name"], added["post_id"]) == ("Lea", page_post)
    assert "Per Hand geschrieben" in requests.get(sandbox.url("/_sandbox/facebook"),
                                                  timeout=5).text
    css = requests.get(sandbox.url("/_sandbox/static/sandbox.css"), timeout=5).text
    assert ".comment-form" in css
