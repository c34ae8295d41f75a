"""Inbox endpoints, included under /api/v1/inbox/ (names in the "api" namespace)."""

from django.urls import path

from . import api

urlpatterns = [
    path("replies/review-queue/", api.ReplyReviewQueueView.as_view(),
         name="inbox-reply-review-queue"),
    path("replies/<int:pk>/approve/", api.ApproveReplyView.as_view(),
         name="inbox-reply-approve"),
    path("replies/<int:pk>/request-changes/", api.RequestReplyChangesView.as_view(),
         name="inbox-reply-request-changes"),
]
