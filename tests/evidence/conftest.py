"""Fixtures for the evidence pages: a curator (in the ``curators`` group) logged in."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client


@pytest.fixture
def curator(db, django_user_model):
    user = django_user_model.objects.create_user("curator", password="unused", is_staff=True)
    user.groups.add(Group.objects.get(name="curators"))
    return user


@pytest.fixture
def curator_client(curator):
    client = Client()
    client.force_login(curator)
    return client
