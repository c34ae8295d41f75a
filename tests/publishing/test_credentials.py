import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from channels_publish import crypto
from channels_publish.models import ChannelAccount
from newsroom import audit

from ..factories import ChannelAccountFactory

pytestmark = pytest.mark.django_db


def test_credentials_are_encrypted_at_rest():
    account = ChannelAccountFactory(network="facebook")
    account.set_credentials({"access_token": "EAAB-geheim"})
    account.save()
    stored = ChannelAccount.objects.values_list("credentials_encrypted", flat=True).get()
    assert "EAAB-geheim" not in stored
    assert ChannelAccount.objects.get().get_credentials() == {"access_token": "EAAB-geheim"}


def test_rotation_re_encrypts_with_the_new_key_and_old_key_can_go(settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.NEWSROOM_FERNET_KEYS = [old_key]
    account = ChannelAccountFactory(network="x")
    account.set_credentials({"access_token": "t0k3n"})
    account.save()
    settings.NEWSROOM_FERNET_KEYS = [new_key, old_key]
    call_command("rotate_credentials", stdout=io.StringIO())
    settings.NEWSROOM_FERNET_KEYS = [new_key]
    assert ChannelAccount.objects.get().get_credentials() == {"access_token": "t0k3n"}


def test_rotation_without_the_old_key_changes_nothing(settings):
    settings.NEWSROOM_FERNET_KEYS = [Fernet.generate_key().decode()]
    account = ChannelAccountFactory(network="x")
    account.set_credentials({"access_token": "t0k3n"})
    account.save()
    before = account.credentials_encrypted
    settings.NEWSROOM_FERNET_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError):
        call_command("rotate_credentials", stdout=io.StringIO())
    assert ChannelAccount.objects.get().credentials_encrypted == before
    with pytest.raises(crypto.CredentialsUnreadable):
        ChannelAccount.objects.get().get_credentials()


def test_secrets_never_reach_the_audit_log():
    entry = audit.log("channels.account.granted", data={
        "credentials": {"access_token": "EAAB-geheim"}, "department": "57",
    })
    assert "EAAB-geheim" not in str(entry.data)
