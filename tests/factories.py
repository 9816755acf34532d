"""Factories shared by every test module. Apps add theirs in tests/<app>/factories.py."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from lanekassen_ai.roles import Role
from lanekassen_ai.services.roles import roles_sync

TEST_PASSWORD = "test-password-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def role(self, create: bool, extracted: Role | None, **kwargs: object) -> None:
        if not create or extracted is None:
            return
        if not Group.objects.filter(name=Role(extracted).value).exists():
            # Transactional tests flush the tables the role migration filled.
            roles_sync()
        self.groups.add(Group.objects.get(name=Role(extracted).value))
        if extracted == Role.ADMIN:
            self.is_staff = True
        self.save()
