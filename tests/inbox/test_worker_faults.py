"""A reply goes out once even when the real worker sending it is killed mid-flight.

Same set-up as tests/publishing/test_worker_faults.py: real ``celery -A newsroom worker``
processes, the sweep and claim in the test process, and the sandbox's record as the judge.
"""

from __future__ import annotations

import pytest

from inbox.models import Conversation, Reply, ReplyStatus
from inbox.services import replies, sending
from inbox.services.ingest import ingest_account
from tests.factories import channel
from tests.publishing.test_worker_faults import (  # noqa: F401 (fixtures)
    broker,
    worker_var_dir,
    workers,
)
from tests.publishing.workers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_ID = "104000000000088"
TOKEN = "inbox-worker-token"
HOLD_S = 15
TIMEOUT_S = 30


def _status(reply_id: int) -> str:
    return Reply.objects.values_list("status", flat=True).get(pk=reply_id)


def test_a_reply_is_sent_once_when_the_worker_dies_after_the_network_call(
        sandbox, workers, department, head, second_head):  # noqa: F811 (fixture)
    account = channel("facebook", department, name="Stadt auf Facebook",
                      external_id=PAGE_ID, api_base_url=sandbox.base_url)
    account.set_credentials({"access_token": TOKEN})
    account.save()
    sandbox.add_inbound("facebook", "message", "Wann hat das Bürgerbüro offen?",
                        account=PAGE_ID)
    ingest_account(account.pk)
    conversation = Conversation.objects.get()
    conversation.department = department
    conversation.save(update_fields=["department"])
    reply = replies.submit(actor=head, reply=replies.draft(
        actor=head, conversation=conversation, text="Montag bis Freitag ab 8 Uhr."))
    # Facebook takes the message, then holds its answer back; the worker dies waiting.
    sandbox.inject_fault(TOKEN, "timeout_after_create", network="facebook",
                         operation="create", delay_s=HOLD_S)
    first = workers.start()
    replies.approve(actor=second_head, reply=reply, expected_version=reply.version)
    wait_for(lambda: sandbox.replies(network="facebook"), timeout=TIMEOUT_S,
             message="the reply on the network")
    assert _status(reply.pk) == ReplyStatus.SENDING
    first.kill()

    workers.start()
    wait_for(lambda: sending.sweep()["stuck"], timeout=10, message="the sweep to find it")
    assert sending.claim_due() == [reply.pk]
    wait_for(lambda: _status(reply.pk) == ReplyStatus.SENT, timeout=TIMEOUT_S,
             message=f"the reply sent\n{workers.logs()}")
    (record,) = sandbox.replies(network="facebook")
    reply.refresh_from_db()
    assert reply.remote_id == record["id"]
    assert reply.attempts == 2
