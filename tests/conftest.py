from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client

from core.loading import load_dataset
from tests.caches import clear_caches

SEED = Path(settings.BASE_DIR) / "fixtures" / "seed.json"


@pytest.fixture
def seed(db):
    """The seed dataset, loaded the way `make run` loads it."""
    return load_dataset(SEED)


@pytest.fixture
def article(seed):
    from core.models import Source, SourceKind

    return Source.objects.get(kind=SourceKind.NEWS_ARTICLE)


# --- users: curators (staff in the ``curators`` group) and a staff outsider ---


def _staff(django_user_model, username, *, curator):
    user = django_user_model.objects.create_user(username, password="unused", is_staff=True)
    if curator:
        # The group comes from the data migration, as in production: not built by the test.
        user.groups.add(Group.objects.get(name="curators"))
    return user


@pytest.fixture
def curator(db, django_user_model):
    return _staff(django_user_model, "curator", curator=True)


@pytest.fixture
def other_curator(db, django_user_model):
    return _staff(django_user_model, "other-curator", curator=True)


@pytest.fixture
def outsider(db, django_user_model):
    """Staff, so the admin lets them in, but outside the curators group: no permissions."""
    return _staff(django_user_model, "outsider", curator=False)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def curator_client(curator):
    return _client_for(curator)


@pytest.fixture
def other_curator_client(other_curator):
    return _client_for(other_curator)


@pytest.fixture
def outsider_client(outsider):
    return _client_for(outsider)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: cached pages and counts never leak across tests."""
    clear_caches()
