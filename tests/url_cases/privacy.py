"""The audit log's JSON export and the record of processing (administrators)."""

from tests.url_table import UrlCase

AUDIT_READERS = frozenset({"head", "duty_editor", "admin"})
ADMINS = frozenset({"admin"})

CASES = [
    UrlCase("newsroom:audit_export_json", AUDIT_READERS),
    UrlCase("newsroom:processing_record", ADMINS),
    UrlCase("newsroom:processing_record_json", ADMINS),
    UrlCase("newsroom:processing_record_csv", ADMINS),
]
