"""REST API of the reply review (/api/v1/inbox/…): the same service functions as the pages."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from newsroom.api.errors import NewsroomErrorsMixin

from .models import Reply
from .services import replies
from .services.figures import findable_conversations


class ReplySerializer(serializers.ModelSerializer):
    conversation = serializers.IntegerField(source="conversation_id", read_only=True)
    department = serializers.CharField(source="conversation.department.name", default="",
                                       read_only=True)
    network = serializers.CharField(source="conversation.channel_account.network",
                                    read_only=True)
    in_reply_to_text = serializers.CharField(source="in_reply_to.text", read_only=True)
    author = serializers.StringRelatedField()
    approved_by = serializers.StringRelatedField()

    class Meta:
        model = Reply
        fields = ["id", "conversation", "department", "network", "in_reply_to_text", "text",
                  "status", "version", "author", "approved_by", "approved_at", "sent_at",
                  "last_error"]


class DecisionSerializer(serializers.Serializer):
    expected_version = serializers.IntegerField()


class ChangesSerializer(DecisionSerializer):
    comment = serializers.CharField()


class ReplyReviewQueueView(NewsroomErrorsMixin, generics.ListAPIView):
    """Replies to citizens waiting for this person's approval (never their own)."""

    serializer_class = ReplySerializer
    queryset = Reply.objects.none()

    def get_queryset(self):
        permissions.require(self.request.user, "reply.review_queue")
        return replies.review_queue(self.request.user)


class _ReplyDecision(NewsroomErrorsMixin, APIView):
    body_class: type[serializers.Serializer] = DecisionSerializer

    def _reply(self, request, pk: int) -> Reply:
        """404 for another department's reply, 403 without the right to approve replies."""
        reply = Reply.objects.select_related("conversation").filter(
            pk=pk, conversation__in=findable_conversations(request.user)).first()
        if reply is None:
            raise Http404
        permissions.require(request.user, "reply.review_queue")
        if not permissions.can(request.user, "conversation.handle", reply.conversation):
            raise Http404
        return reply

    def post(self, request, pk: int):
        reply = self._reply(request, pk)
        body = self.body_class(data=request.data)
        body.is_valid(raise_exception=True)
        self.decide(request.user, reply, body.validated_data)
        reply.refresh_from_db()
        return Response(ReplySerializer(reply).data)


@extend_schema(summary="Antwort freigeben (Vier-Augen-Prinzip)", request=DecisionSerializer,
               responses=ReplySerializer)
class ApproveReplyView(_ReplyDecision):
    def decide(self, user, reply, data):
        replies.approve(actor=user, reply=reply, expected_version=data["expected_version"])


@extend_schema(summary="Bei einer Antwort Änderungen erbitten", request=ChangesSerializer,
               responses=ReplySerializer)
class RequestReplyChangesView(_ReplyDecision):
    body_class = ChangesSerializer

    def decide(self, user, reply, data):
        replies.request_changes(actor=user, reply=reply, comment=data["comment"],
                                expected_version=data["expected_version"])
