"""HTTP clients are kept per worker thread and account, so deliveries reuse them."""

import dataclasses
import threading

import pytest

from channels_publish.adapters import AccountConfig, clients
from channels_publish.adapters.graph import GraphClient
from channels_publish.adapters.x import XAdapter

X_ACCOUNT = AccountConfig(
    network="x", external_id="", base_url="https://api.x.example",
    credentials={"consumer_key": "ck", "consumer_secret": "cs", "access_token": "at",
                 "access_token_secret": "ts"},
)
PAGE = AccountConfig(network="facebook", external_id="1", base_url="https://graph.example",
                     credentials={"access_token": "page-token"})


@pytest.fixture(autouse=True)
def fresh_clients():
    clients.close_all()
    yield
    clients.close_all()


def test_the_same_account_gets_the_same_client_in_one_thread():
    adapter = XAdapter()
    assert adapter._client(X_ACCOUNT) is adapter._client(X_ACCOUNT)
    assert adapter._auth(X_ACCOUNT) is adapter._auth(X_ACCOUNT)
    with GraphClient.for_account(PAGE, "Facebook") as first:
        pass
    second = GraphClient.for_account(PAGE, "Facebook")
    assert first.http is second.http and not second.http.is_closed


def test_other_credentials_or_timeouts_get_their_own_client():
    adapter = XAdapter()
    client = adapter._client(X_ACCOUNT)
    rotated = dataclasses.replace(X_ACCOUNT, credentials={**X_ACCOUNT.credentials,
                                                          "access_token": "new"})
    assert adapter._client(rotated) is not client
    assert adapter._client(dataclasses.replace(X_ACCOUNT, timeout_s=1)) is not client
    other_page = dataclasses.replace(PAGE, credentials={"access_token": "other"})
    assert (GraphClient.for_account(PAGE, "Facebook").http
            is not GraphClient.for_account(other_page, "Facebook").http)


def test_each_thread_has_its_own_clients():
    adapter = XAdapter()
    here = adapter._client(X_ACCOUNT)
    there = []
    thread = threading.Thread(target=lambda: there.append(adapter._client(X_ACCOUNT)))
    thread.start()
    thread.join()
    assert there[0] is not here


def test_a_closed_client_is_replaced():
    graph = GraphClient.for_account(PAGE, "Facebook")
    graph.http.close()
    assert not GraphClient.for_account(PAGE, "Facebook").http.is_closed


def test_the_least_recently_used_client_is_closed_when_the_cache_is_full(monkeypatch):
    monkeypatch.setattr(clients, "MAX_CLIENTS_PER_THREAD", 2)
    pages = [dataclasses.replace(PAGE, credentials={"access_token": f"t{n}"}) for n in range(3)]
    first, second = (GraphClient.for_account(page, "Facebook").http for page in pages[:2])
    GraphClient.for_account(pages[0], "Facebook")  # used again: now the second is oldest
    GraphClient.for_account(pages[2], "Facebook")
    assert second.is_closed and not first.is_closed
