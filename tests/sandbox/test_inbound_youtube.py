"""google-api-python-client against the sandbox's YouTube comment endpoints."""

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document
from googleapiclient.errors import HttpError

from channels_publish.sandbox import youtube_discovery
from channels_publish.sandbox.youtube_api import channel_id

TOKEN = "yt-inbound-token"


@pytest.fixture
def youtube(sandbox):
    return build_from_document(youtube_discovery(sandbox.base_url),
                               credentials=Credentials(TOKEN))


@pytest.fixture
def thread(sandbox):
    return sandbox.add_inbound("youtube", "comment", "Gute Sitzung", account=TOKEN,
                               on=_video(sandbox))


def _video(sandbox):
    # A published video record is needed to comment on; the upload path is tested elsewhere.
    import tempfile

    from channels_publish.adapters import AccountConfig, MediaItem, PublishRequest
    from channels_publish.adapters.youtube import YouTubeAdapter
    with tempfile.NamedTemporaryFile(suffix=".mp4") as clip:
        clip.write(b"\x00\x00\x00\x18ftypmp42" + b"v" * 1000)
        clip.flush()
        account = AccountConfig(network="youtube", external_id="", base_url=sandbox.base_url,
                                credentials={"access_token": TOKEN}, timeout_s=5)
        request = PublishRequest(delivery_id=1, marker="m-1", text="Ratssitzung",
                                 media=[MediaItem(kind="video", path=clip.name, public_url="",
                                                  mime_type="video/mp4")])
        return YouTubeAdapter().publish(account, request, {}, lambda state: None).remote_id


def test_threads_list_with_replies_newest_activity_first(sandbox, youtube, thread):
    video = thread["post_id"]
    later = sandbox.add_inbound("youtube", "comment", "Zweiter Thread", on=video)
    answers = [sandbox.add_inbound("youtube", "comment", f"Antwort {n}", on=thread["id"])
               for n in range(7)]
    body = youtube.commentThreads().list(part="snippet,replies",
                                         allThreadsRelatedToChannelId=channel_id(TOKEN)).execute()
    assert [item["id"] for item in body["items"]] == [thread["id"], later["id"]]
    first = body["items"][0]
    assert first["snippet"]["totalReplyCount"] == 7
    assert first["snippet"]["topLevelComment"]["snippet"]["textOriginal"] == "Gute Sitzung"
    assert [c["id"] for c in first["replies"]["comments"]] == [a["id"] for a in answers[2:]]
    every = youtube.comments().list(part="snippet", parentId=thread["id"]).execute()
    assert [c["id"] for c in every["items"]] == [a["id"] for a in answers]
    by_video = youtube.commentThreads().list(part="snippet", videoId=video, maxResults=1
                                             ).execute()
    assert len(by_video["items"]) == 1 and "nextPageToken" in by_video


def test_insert_moderate_and_delete(sandbox, youtube, thread):
    created = youtube.comments().insert(part="snippet", body={"snippet": {
        "parentId": thread["id"], "textOriginal": "Danke!"}}).execute()
    assert created["snippet"]["parentId"] == thread["id"]
    assert created["id"].startswith(thread["id"] + ".")
    youtube.comments().setModerationStatus(id=thread["id"],
                                           moderationStatus="heldForReview").execute()
    assert sandbox.inbound_item(thread["id"])["moderation_status"] == "heldForReview"
    held = youtube.commentThreads().list(part="snippet", moderationStatus="heldForReview",
                                         allThreadsRelatedToChannelId=channel_id(TOKEN)).execute()
    assert [item["id"] for item in held["items"]] == [thread["id"]]
    # Only our own comments may be deleted.
    with pytest.raises(HttpError) as refused:
        youtube.comments().delete(id=thread["id"]).execute()
    assert refused.value.resp.status == 403
    youtube.comments().delete(id=created["id"]).execute()
    assert sandbox.inbound_item(created["id"])["deleted"] is True
    with pytest.raises(HttpError) as invalid:
        youtube.comments().insert(part="snippet", body={"snippet": {
            "parentId": "nope", "textOriginal": "x"}}).execute()
    assert invalid.value.resp.status == 400


def test_faults_apply_to_comment_endpoints(sandbox, youtube, thread):
    sandbox.inject_fault(TOKEN, "youtube_quota", network="youtube", operation="moderate")
    with pytest.raises(HttpError) as quota:
        youtube.comments().setModerationStatus(id=thread["id"],
                                               moderationStatus="rejected").execute()
    assert quota.value.resp.status == 403 and b"quotaExceeded" in quota.value.content
    sandbox.inject_fault(TOKEN, "server_error", network="youtube", operation="read")
    with pytest.raises(HttpError) as failed:
        youtube.comments().list(part="snippet", parentId=thread["id"]).execute()
    assert failed.value.resp.status == 503
