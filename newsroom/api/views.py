"""The API's doors: read the request, call the service function, shape the answer.

Every object is looked up in the queryset of what the person may see, so another department's
object answers 404; whether the person may act on it is the service function's question (403).
"""

from __future__ import annotations

from django.db.models import F, OuterRef, Subquery
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts import permissions
from accounts.models import Department
from accounts.roles import DepartmentPermission, Role
from approvals import services as approvals
from approvals.models import Review, ReviewStatus
from newsroom.models import AuditLogEntry, MediaAsset, Post, PostStatus
from newsroom.services import media as media_service
from newsroom.services import posts as post_service

from . import serializers as s
from .errors import NewsroomErrorsMixin

# What a post row needs beyond ``with_list_data()``: one query each, however many posts.
_POST_PREFETCH = ("tags", "post_media", "variants__variant_media")


def _query(serializer_class, request):
    """Validated query parameters (400 with field errors on bad input)."""
    filters = serializer_class(data=request.query_params)
    filters.is_valid(raise_exception=True)
    return filters.validated_data


def _department(department_id: int | None) -> Department:
    if department_id is None:
        raise ValidationError({"department": [_("Bitte wählen Sie ein Amt.")]})
    department = Department.objects.active().filter(pk=department_id).first()
    if department is None:
        raise ValidationError({"department": [_("Dieses Amt gibt es nicht.")]})
    return department


@extend_schema_view(
    retrieve=extend_schema(summary="Einen Beitrag lesen (mit Prüfbericht je Netzwerk)"),
    destroy=extend_schema(summary="Einen Entwurf löschen"),
)
class PostViewSet(NewsroomErrorsMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Posts of the departments the person works in."""

    serializer_class = s.PostDetailSerializer
    queryset = Post.objects.none()

    def get_queryset(self):
        return permissions.filter_by_department(
            Post.objects.with_list_data().prefetch_related(*_POST_PREFETCH),
            self.request.user,
            DepartmentPermission.VIEW_WORK,
        )

    def _detail(self, post: Post) -> dict:
        fresh = self.get_queryset().get(pk=post.pk)
        return s.PostDetailSerializer(fresh, context=self.get_serializer_context()).data

    @extend_schema(
        summary="Beiträge, die Sie sehen dürfen",
        parameters=[s.PostFilterSerializer],
        responses=s.PostSerializer(many=True),
    )
    def list(self, request):
        permissions.require(request.user, "posts.list")
        filters = _query(s.PostFilterSerializer, request)
        posts = self.get_queryset()
        if "status" in filters:
            posts = posts.filter(status=filters["status"])
        if "department" in filters:
            posts = posts.filter(department_id=filters["department"])
        if filters["mine"]:
            posts = posts.filter(author=request.user)
        page = self.paginate_queryset(posts.order_by("-created_at", "-pk"))
        data = s.PostSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Einen Beitrag anlegen",
        request=s.PostWriteSerializer,
        responses={201: s.PostDetailSerializer},
    )
    def create(self, request):
        write = s.PostWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        department = _department(write.validated_data.get("department"))
        post = post_service.create_post(
            actor=request.user, department=department, data=write.to_post_data()
        )
        return Response(self._detail(post), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Einen Beitrag ersetzen",
        request=s.PostWriteSerializer,
        responses=s.PostDetailSerializer,
    )
    def update(self, request, pk=None):
        return self._update(request, partial=False)

    @extend_schema(
        summary="Einzelne Felder eines Beitrags ändern",
        request=s.PostWriteSerializer,
        responses=s.PostDetailSerializer,
    )
    def partial_update(self, request, pk=None):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool) -> Response:
        post = self.get_object()
        write = s.PostWriteSerializer(data=request.data, partial=partial)
        write.is_valid(raise_exception=True)
        department_id = write.validated_data.get("department")
        if department_id is not None and department_id != post.department_id:
            raise ValidationError(
                {"department": [_("Das Amt eines Beitrags lässt sich nicht ändern.")]}
            )
        base = post_service.data_from_post(post) if partial else None
        post_service.update_post(
            actor=request.user,
            post=post,
            data=write.to_post_data(base),
            expected_version=write.validated_data.get("expected_version"),
        )
        return Response(self._detail(post))

    def destroy(self, request, pk=None):
        post_service.delete_post(actor=request.user, post=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Zur Freigabe einreichen", request=None,
                   responses=s.PostDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        post = self.get_object()
        approvals.submit_for_review(actor=request.user, post=post)
        return Response(self._detail(post))

    @extend_schema(summary="Freigeben (Vier-Augen-Prinzip)", request=s.ActionSerializer,
                   responses=s.PostDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        post = self.get_object()
        body = s.ActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        approvals.approve(actor=request.user, post=post,
                          expected_version=body.validated_data["expected_version"])
        return Response(self._detail(post))

    @extend_schema(summary="Änderungen erbitten", request=s.RequestChangesSerializer,
                   responses=s.PostDetailSerializer)
    @action(detail=True, methods=["post"], url_path="request-changes",
            url_name="request-changes")
    def request_changes(self, request, pk=None):
        post = self.get_object()
        body = s.RequestChangesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        approvals.request_changes(actor=request.user, post=post,
                                  comment=body.validated_data["comment"],
                                  expected_version=body.validated_data["expected_version"])
        return Response(self._detail(post))

    @extend_schema(summary="Zurückziehen", request=None, responses=s.PostDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        post = self.get_object()
        approvals.withdraw(actor=request.user, post=post)
        return Response(self._detail(post))

    @extend_schema(methods=["GET"], summary="Kommentare zum Beitrag",
                   responses=s.CommentSerializer(many=True))
    @extend_schema(methods=["POST"], summary="Kommentieren", request=s.CommentSerializer,
                   responses={201: s.CommentSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None,
            serializer_class=s.CommentSerializer)
    def comments(self, request, pk=None):
        post = self.get_object()
        if request.method == "GET":
            permissions.require(request.user, "post.comment", post)
            comments = post.comments.select_related("author")
            return Response(s.CommentSerializer(comments, many=True).data)
        body = s.CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = post_service.add_comment(actor=request.user, post=post,
                                           text=body.validated_data["text"])
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class ReviewQueueView(NewsroomErrorsMixin, generics.ListAPIView):
    """Posts waiting for the person's approval, most urgent first.

    Posts the person wrote or edited are left out: the four-eyes rule (``post.review``) forbids
    them to approve those, so they are not work waiting for them.
    """

    serializer_class = s.ReviewQueueEntrySerializer
    queryset = Post.objects.none()

    def get_queryset(self):
        user = self.request.user
        permissions.require(user, "review_queue.view")
        filters = _query(s.ReviewQueueFilterSerializer, self.request)
        open_review = Review.objects.filter(post=OuterRef("pk"), status=ReviewStatus.OPEN)
        posts = (
            permissions.filter_by_department(
                Post.objects.with_list_data(), user, DepartmentPermission.APPROVE_POST
            )
            .filter(status=PostStatus.IN_REVIEW)
            .prefetch_related(*_POST_PREFETCH, "editors")
            .annotate(review_submitted_at=Subquery(open_review.values("submitted_at")[:1]))
            .order_by(F("scheduled_at").asc(nulls_last=True),
                      F("review_submitted_at").asc(nulls_last=True), "pk")
        )
        if "department" in filters:
            posts = posts.filter(department_id=filters["department"])
        if "network" in filters:
            posts = posts.filter(
                pk__in=Post.objects.filter(channel_accounts__network=filters["network"])
                .values("pk")
            )
        if "due_before" in filters:
            posts = posts.filter(scheduled_at__lte=filters["due_before"])
        # The queue is short (posts in review); asking the rule itself keeps four-eyes in one
        # place. ``editors`` is prefetched, so this costs no query per post.
        return [post for post in posts if permissions.can(user, "post.review", post)]

    @extend_schema(summary="Warteschlange der Freigaben",
                   parameters=[s.ReviewQueueFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema_view(
    list=extend_schema(summary="Mediathek Ihrer Ämter", parameters=[s.MediaFilterSerializer]),
    retrieve=extend_schema(summary="Ein Medium"),
)
class MediaViewSet(NewsroomErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                   viewsets.GenericViewSet):
    serializer_class = s.MediaAssetSerializer
    queryset = MediaAsset.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return media_service.library_for(self.request.user).prefetch_related("tags")

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        permissions.require(self.request.user, "media.library")
        filters = _query(s.MediaFilterSerializer, self.request)
        return media_service.search(
            queryset, query=filters["q"], kind=filters["kind"],
            department_id=filters.get("department"),
        )

    @extend_schema(
        summary="Bild oder Video hochladen",
        request={"multipart/form-data": s.MediaUploadSerializer},
        responses={201: s.MediaAssetSerializer},
    )
    def create(self, request):
        body = s.MediaUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        asset = media_service.upload(
            actor=request.user,
            department=_department(values["department"]),
            uploaded_file=values["file"],
            name=values["name"],
            alt_text=values["alt_text"],
            tags=values["tags"],
        )
        fresh = self.get_queryset().get(pk=asset.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Alternativtext ändern", request=s.AltTextSerializer,
                   responses=s.MediaAssetSerializer)
    def partial_update(self, request, pk=None):
        asset = self.get_object()
        body = s.AltTextSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        media_service.set_alt_text(actor=request.user, asset=asset,
                                   alt_text=body.validated_data["alt_text"])
        return Response(self.get_serializer(self.get_queryset().get(pk=asset.pk)).data)


def audit_entries_for(user):
    """Heads see their departments' trail; duty editors and administrators see everything."""
    permissions.require(user, "audit.view")
    entries = AuditLogEntry.objects.all()
    if permissions.can(user, "newsroom.view_city_wide"):
        return entries
    access = permissions.access_of(user)
    departments = [
        department_id
        for department_id, roles in access.roles_by_department.items()
        if Role.HEAD in roles
    ]
    return entries.filter(department__in=departments)


class AuditLogView(NewsroomErrorsMixin, generics.ListAPIView):
    """The audit log, newest first, each entry with its sentence for people."""

    serializer_class = s.AuditLogEntrySerializer
    queryset = AuditLogEntry.objects.none()

    def get_queryset(self):
        entries = audit_entries_for(self.request.user)
        filters = _query(s.AuditFilterSerializer, self.request)
        lookups = {
            "action": "action",
            "department": "department_id",
            "actor": "actor_id",
            "since": "created_at__gte",
            "until": "created_at__lt",
            "object_id": "object_id",
        }
        entries = entries.filter(
            **{lookup: filters[name] for name, lookup in lookups.items() if name in filters}
        )
        if "object_type" in filters:
            app_label, model = filters["object_type"].split(".")
            entries = entries.filter(content_type__app_label=app_label,
                                     content_type__model=model)
        return entries.order_by("-id")

    @extend_schema(summary="Protokoll", parameters=[s.AuditFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
