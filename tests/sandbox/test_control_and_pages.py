"""The control API (records, reset, accounts) and the browsable pages."""

import httpx
import requests

X_AUTH = {"Authorization": "Bearer x-page-token"}
PAGE = "104000000000077"


def test_records_filter_by_network_and_account(sandbox):
    requests.post(sandbox.url("/2/tweets"), json={"text": "a"}, headers=X_AUTH, timeout=5)
    httpx.post(sandbox.graph_url() + f"/{PAGE}/feed", data={"message": "b",
                                                            "access_token": "fb"})
    assert [r["text"] for r in sandbox.records()] == ["a", "b"]
    assert [r["text"] for r in sandbox.records(network="facebook")] == ["b"]
    assert [r["text"] for r in sandbox.records(account="x-page-token")] == ["a"]
    assert [r["text"] for r in sandbox.records(account=PAGE)] == ["b"]
    (record,) = sandbox.records(network="facebook")
    assert record["request"]["form"]["access_token"] == ["***"]


def test_reset_forgets_everything(sandbox):
    requests.post(sandbox.url("/2/tweets"), json={"text": "a"}, headers=X_AUTH, timeout=5)
    sandbox.inject_fault("x-page-token", "slow")
    sandbox.reset()
    assert sandbox.records() == []
    assert sandbox.faults() == []


def test_registered_account_names_are_used(sandbox):
    sandbox.register_account("x", "x-page-token", name="Stadt Musterstadt", username="musterstadt")
    me = requests.get(sandbox.url("/2/users/me"), headers=X_AUTH, timeout=5).json()["data"]
    assert me["username"] == "musterstadt"


def test_pages_render_posts_and_escape_user_text(sandbox, media_server):
    requests.post(sandbox.url("/2/tweets"), json={"text": "<script>alert(1)</script> Hallo"},
                  headers=X_AUTH, timeout=5)
    httpx.post(sandbox.graph_url() + f"/{PAGE}/photos",
               data={"url": f"{media_server}/photo.jpg", "caption": "Foto <b>fett</b>",
                     "access_token": "fb"})
    x_page = requests.get(sandbox.url("/_sandbox/x"), timeout=5)
    assert x_page.headers["Content-Type"].startswith("text/html")
    assert "<script>alert(1)</script>" not in x_page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Hallo" in x_page.text
    facebook = requests.get(sandbox.url("/_sandbox/facebook"), timeout=5).text
    assert "Foto &lt;b&gt;fett&lt;/b&gt;" in facebook
    assert '<img src="/_sandbox/media/' in facebook
    index = requests.get(sandbox.url("/_sandbox/"), timeout=5).text
    assert 'href="/_sandbox/instagram"' in index
    css = requests.get(sandbox.url("/_sandbox/static/sandbox.css"), timeout=5)
    assert css.headers["Content-Type"].startswith("text/css")
    # No external requests: every stylesheet, image and video comes from the sandbox.
    assert "http" not in x_page.text.split("<main>")[0]


def test_youtube_page_shows_a_video_element(sandbox):
    headers = {"Authorization": "Bearer yt", "X-Upload-Content-Length": "4",
               "X-Upload-Content-Type": "video/mp4"}
    start = requests.post(sandbox.url("/upload/youtube/v3/videos?uploadType=resumable"
                                      "&part=snippet,status"),
                          json={"snippet": {"title": "Clip"}, "status": {"privacyStatus":
                                                                         "public"}},
                          headers=headers, timeout=5)
    requests.put(start.headers["Location"], data=b"mp4!", timeout=5,
                 headers={"Authorization": "Bearer yt", "Content-Range": "bytes 0-3/4"})
    page = requests.get(sandbox.url("/_sandbox/youtube"), timeout=5).text
    assert '<video src="/_sandbox/media/' in page
    assert "Clip" in page


def test_media_is_served_with_ranges(sandbox):
    upload = requests.post(sandbox.url("/2/media/upload"), headers=X_AUTH, timeout=5,
                           data={"media_category": "tweet_image"},
                           files={"media": ("a.png", b"0123456789", "image/png")})
    media_id = upload.json()["data"]["id"]
    (record,) = sandbox.records(kind="media")
    assert record["id"] == media_id
    partial = requests.get(record["media"][0]["url"], headers={"Range": "bytes=2-4"}, timeout=5)
    assert partial.status_code == 206
    assert partial.content == b"234"


def test_records_with_a_thumbnail_serialise(sandbox):
    from channels_publish.sandbox.store import MediaBlob, Record

    record = Record(network="youtube", kind="video", id="v1", account="a", owner="o",
                    extra={"thumbnail": MediaBlob(id="m1", content_type="image/png", data=b"x")})
    assert record.as_json("http://sandbox")["extra"]["thumbnail"]["content_type"] == "image/png"
