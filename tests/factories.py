"""factory_boy factories for the newsroom's models."""

import factory
from django.contrib.auth import get_user_model

from accounts.models import Department
from accounts.roles import Role
from accounts.services import grant_membership

PASSWORD = "geheim-genug-123"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: str(100 + n))
    name = factory.Sequence(lambda n: f"Testamt {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@stadt.example")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


def member(role: str = Role.EDITOR, department: Department | None = None, **user_fields):
    """A person holding ``role`` in ``department`` (a new department if none is given)."""
    department = department or DepartmentFactory()
    user = UserFactory(**user_fields)
    grant_membership(actor=None, user=user, department=department, role=role)
    user.refresh_from_db()
    return user


class ChannelAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "channels_publish.ChannelAccount"

    network = "facebook"
    name = factory.Sequence(lambda n: f"Stadt Kanal {n}")
    external_id = factory.Sequence(lambda n: f"ext-{n}")


def channel(network: str, *departments, **fields):
    """A channel account of ``network`` granted to ``departments``."""
    from channels_publish.services import grant_channel

    account = ChannelAccountFactory(network=network, **fields)
    for department in departments:
        grant_channel(actor=None, account=account, department=department)
    return account


def image_asset(
    department, *, width=1200, height=1200, alt_text="Ein Radweg im Grünen", name="Radweg"
):
    """A real, sanitised image in the department's media library."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from newsroom.services.media import upload

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 120, 60)).save(buffer, "JPEG")
    uploader = member("editor", department)
    return upload(
        actor=uploader, department=department,
        uploaded_file=SimpleUploadedFile(f"{name}.jpg", buffer.getvalue(), "image/jpeg"),
        name=name, alt_text=alt_text,
    )
