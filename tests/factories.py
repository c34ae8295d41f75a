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
