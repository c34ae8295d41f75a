"""tweepy itself against the sandbox, pointed there with ``point_session_at_sandbox``."""

import time

import pytest
import tweepy

from channels_publish.sandbox import point_session_at_sandbox

TOKEN = "x-tweepy-token"


@pytest.fixture
def client(sandbox):
    client = tweepy.Client(
        consumer_key="consumer-key",
        consumer_secret="consumer-secret",
        access_token=TOKEN,
        access_token_secret="token-secret",
    )
    point_session_at_sandbox(client.session, sandbox.base_url)
    return client


def test_it_creates_a_tweet_signed_with_oauth1(client, sandbox):
    response = client.create_tweet(text="Baustelle Hauptstraße ab Montag", user_auth=True)
    assert response.data["text"] == "Baustelle Hauptstraße ab Montag"
    (record,) = sandbox.records(network="x", account=TOKEN)
    assert record["id"] == response.data["id"]
    assert record["request"]["headers"]["Authorization"].startswith("OAuth")


def test_it_reads_back_metrics_and_the_timeline(client):
    created = client.create_tweet(text="Marker #nr-42", user_auth=True).data
    tweet = client.get_tweet(created["id"], tweet_fields=["public_metrics", "created_at"],
                             user_auth=True).data
    assert tweet.public_metrics["like_count"] == 0
    me = client.get_me(user_auth=True).data
    timeline = client.get_users_tweets(me.id, max_results=5, user_auth=True).data
    assert [t.text for t in timeline] == ["Marker #nr-42"]


def test_it_raises_forbidden_for_duplicates(client):
    client.create_tweet(text="Doppelt", user_auth=True)
    with pytest.raises(tweepy.Forbidden, match="duplicate content"):
        client.create_tweet(text="Doppelt", user_auth=True)


def test_it_raises_too_many_requests_with_reset_time(client, sandbox):
    sandbox.inject_fault(TOKEN, "rate_limit", retry_after=30)
    with pytest.raises(tweepy.TooManyRequests) as caught:
        client.create_tweet(text="Zu schnell", user_auth=True)
    assert caught.value.response.headers["x-rate-limit-reset"]
    assert int(caught.value.response.headers["x-rate-limit-reset"]) >= int(time.time()) + 29


def test_it_raises_unauthorized_for_an_expired_token(client, sandbox):
    sandbox.inject_fault(TOKEN, "expired_token")
    with pytest.raises(tweepy.Unauthorized):
        client.create_tweet(text="Abgelaufen", user_auth=True)


def test_it_deletes_a_tweet(client, sandbox):
    created = client.create_tweet(text="Kurzlebig", user_auth=True).data
    assert client.delete_tweet(created["id"], user_auth=True).data == {"deleted": True}
    assert sandbox.records(kind="tweet")[0]["deleted"] is True
