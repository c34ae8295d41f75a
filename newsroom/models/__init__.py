from .audit import AuditLogEntry
from .calendar import CalendarFeedToken
from .media import MediaAsset, MediaKind, RenditionStatus, Tag
from .notifications import Notification, NotificationKind
from .posts import (
    APPROVED_STATES,
    EDITABLE_STATES,
    Post,
    PostComment,
    PostMedia,
    PostStatus,
    PostVariant,
    VariantMedia,
)

__all__ = [
    "APPROVED_STATES",
    "EDITABLE_STATES",
    "AuditLogEntry",
    "CalendarFeedToken",
    "MediaAsset",
    "MediaKind",
    "Notification",
    "NotificationKind",
    "Post",
    "PostComment",
    "PostMedia",
    "PostStatus",
    "PostVariant",
    "RenditionStatus",
    "Tag",
    "VariantMedia",
]
