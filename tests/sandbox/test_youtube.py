"""google-api-python-client against the sandbox's YouTube Data API."""

import io

import pytest
import requests
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseUpload

from channels_publish.sandbox import youtube_discovery

TOKEN = "yt-token"
CHUNK = 256 * 1024
VIDEO = bytes(range(256)) * 2600  # 665,600 bytes: three chunks


@pytest.fixture
def youtube(sandbox):
    return build_from_document(youtube_discovery(sandbox.base_url),
                               credentials=Credentials(TOKEN))


def insert_request(youtube, title="Ratssitzung", privacy="unlisted"):
    media = MediaIoBaseUpload(io.BytesIO(VIDEO), mimetype="video/mp4", chunksize=CHUNK,
                              resumable=True)
    body = {
        "snippet": {"title": title, "description": "Marker nr-7", "categoryId": "25"},
        "status": {"privacyStatus": privacy},
    }
    return youtube.videos().insert(part="snippet,status", body=body, media_body=media)


def test_it_takes_a_resumable_upload_in_chunks(youtube, sandbox):
    request = insert_request(youtube)
    progress, response = [], None
    while response is None:
        status, response = request.next_chunk()
        if status:
            progress.append(status.resumable_progress)
    assert progress == [CHUNK, 2 * CHUNK]
    assert response["status"]["privacyStatus"] == "unlisted"
    assert response["snippet"]["title"] == "Ratssitzung"
    (record,) = sandbox.records(network="youtube", kind="video")
    assert record["id"] == response["id"]
    assert record["extra"]["privacy_status"] == "unlisted"
    assert requests.get(record["media"][0]["url"], timeout=5).content == VIDEO


def test_it_resumes_a_persisted_session(youtube, sandbox):
    first = insert_request(youtube)
    first.next_chunk()
    saved_uri = first.resumable_uri  # what an adapter persists before the worker dies
    assert saved_uri.startswith(sandbox.base_url)

    resumed = insert_request(youtube)
    resumed.resumable_uri = saved_uri
    resumed._in_error_state = True  # ask the session for its state before sending
    response = None
    while response is None:
        _, response = resumed.next_chunk()
    (record,) = sandbox.records(network="youtube", kind="video")
    assert record["id"] == response["id"]
    assert requests.get(record["media"][0]["url"], timeout=5).content == VIDEO


def test_a_completed_session_answers_the_video_again(youtube, sandbox):
    request = insert_request(youtube)
    response = None
    while response is None:
        _, response = request.next_chunk()
    state = requests.put(request.resumable_uri, timeout=5,
                         headers={"Authorization": f"Bearer {TOKEN}",
                                  "Content-Range": f"bytes */{len(VIDEO)}"})
    assert state.status_code == 200
    assert state.json()["id"] == response["id"]
    assert len(sandbox.records(kind="video")) == 1


def test_an_unknown_session_is_not_found(sandbox):
    response = requests.put(
        sandbox.url("/upload/youtube/v3/videos?uploadType=resumable&upload_id=nope"),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Range": "bytes */10"},
        timeout=5,
    )
    assert response.status_code == 404
    assert response.json()["error"]["errors"][0]["reason"] == "notFound"


def test_it_lists_the_video_channel_and_uploads(youtube):
    request = insert_request(youtube, title="Neu")
    response = None
    while response is None:
        _, response = request.next_chunk()
    video_id = response["id"]
    videos = youtube.videos().list(part="snippet,status,statistics", id=video_id).execute()
    assert videos["items"][0]["statistics"]["viewCount"] == "0"
    channel = youtube.channels().list(part="snippet,contentDetails", mine=True).execute()
    uploads = channel["items"][0]["contentDetails"]["relatedPlaylists"]["uploads"]
    items = youtube.playlistItems().list(part="snippet", playlistId=uploads,
                                         maxResults=5).execute()["items"]
    assert items[0]["snippet"]["resourceId"]["videoId"] == video_id
    found = youtube.search().list(part="snippet", forMine=True, type="video",
                                  maxResults=5).execute()["items"]
    assert found[0]["id"]["videoId"] == video_id
    assert found[0]["snippet"]["description"] == "Marker nr-7"


def test_it_sets_a_thumbnail(youtube, sandbox):
    request = insert_request(youtube)
    response = None
    while response is None:
        _, response = request.next_chunk()
    thumbnail = MediaIoBaseUpload(io.BytesIO(b"\x89PNG\r\n\x1a\nthumb"), mimetype="image/png")
    result = youtube.thumbnails().set(videoId=response["id"], media_body=thumbnail).execute()
    assert result["kind"] == "youtube#thumbnailSetResponse"
    page = requests.get(sandbox.url("/_sandbox/youtube"), timeout=5).text
    assert "poster=" in page


def test_it_answers_quota_exceeded(youtube, sandbox):
    sandbox.inject_fault(TOKEN, "youtube_quota")
    with pytest.raises(HttpError) as caught:
        youtube.channels().list(part="snippet", mine=True).execute()
    assert caught.value.resp.status == 403
    assert caught.value.error_details[0]["reason"] == "quotaExceeded"
    assert caught.value.error_details[0]["domain"] == "youtube.quota"


def test_it_answers_backend_errors_before_creating(youtube, sandbox):
    sandbox.inject_fault(TOKEN, "server_error", network="youtube", operation="create")
    request = insert_request(youtube)
    with pytest.raises(HttpError) as caught:
        response = None
        while response is None:
            _, response = request.next_chunk()
    assert caught.value.resp.status == 503
    assert sandbox.records(kind="video") == []
    # The session survives: the client resumes and completes.
    response = None
    while response is None:
        _, response = request.next_chunk()
    assert len(sandbox.records(kind="video")) == 1


def test_it_answers_auth_errors_in_googles_shape(sandbox):
    sandbox.inject_fault(TOKEN, "expired_token")
    response = requests.get(sandbox.url("/youtube/v3/channels?part=id&mine=true"),
                            headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["status"] == "UNAUTHENTICATED"
    assert error["errors"][0]["reason"] == "authError"
