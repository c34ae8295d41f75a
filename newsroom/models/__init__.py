from .audit import AuditLogEntry

__all__ = ["AuditLogEntry"]
