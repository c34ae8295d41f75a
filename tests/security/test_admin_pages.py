"""The security models' admin pages open (on the admin site behind two-factor auth)."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "admin:index",
        "admin:accounts_usersession_changelist",
        "admin:axes_accessattempt_changelist",
        "admin:otp_totp_totpdevice_changelist",
        "admin:otp_static_staticdevice_changelist",
        "admin:accounts_apitoken_changelist",
    ],
)
def test_it_opens_the_admin_page(client, name):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get(reverse(name)).status_code == 200


def test_deleting_attempts_directly_is_not_offered(client, administrator):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(username="x", ip_address="127.0.0.1", failures_since_start=3,
                                 get_data="", post_data="", http_accept="", path_info="/")
    client.force_login(administrator)
    page = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert 'value="unlock"' in page
    assert 'value="delete_selected"' not in page


def test_migrate_gives_an_existing_administration_group_rights_added_later(administrator):
    from django.apps import apps
    from django.contrib.auth.models import Group

    from accounts.services import ADMIN_GROUP_NAME
    from accounts.signals import refresh_admin_group

    group = Group.objects.get(name=ADMIN_GROUP_NAME)
    group.permissions.remove(*group.permissions.filter(codename="view_accessattempt"))
    assert not administrator.__class__.objects.get(pk=administrator.pk).has_perm(
        "axes.view_accessattempt")

    refresh_admin_group(sender=None, app_config=list(apps.get_app_configs())[-1])

    assert group.permissions.filter(codename="view_accessattempt").exists()
