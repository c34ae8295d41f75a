"""Signals of channel accounts, for apps that keep work of their own per account."""

from django.dispatch import Signal

# Sent by ``services.reconnect_account`` inside its transaction, after the new credentials are
# stored and the account is healthy again, with ``account`` and ``actor``. Apps that hold work
# while an account's token is revoked (the inbox's replies) release it here, so one reconnect
# resumes everything and the audit entries commit together with the reconnect.
account_reconnected = Signal()
