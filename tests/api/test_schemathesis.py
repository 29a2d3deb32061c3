"""Schemathesis: every operation of the schema, against the app, with every check.

The schema is the one the app serves. Each operation runs anonymously and as a curator
(who sends ``If-Match: *``, so writes reach validation and the services), with a bounded
number of generated examples (``MAX_EXAMPLES``), over the seed dataset, loaded once.
"""

import pytest
import schemathesis
from django.contrib.auth.models import Group, User
from django.db import transaction
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import CHECKS, load_all_checks

from config.wsgi import application
from core.loading import load_dataset
from tests.conftest import SEED

MAX_EXAMPLES = 4

load_all_checks()
ALL_CHECKS = CHECKS.get_all()

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, wsgi_in_test_transaction):
    """The seed, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_dataset(SEED)
            curator = User.objects.create_user("schemathesis-curator", is_staff=True)
            curator.groups.add(Group.objects.get(name="curators"))
            yield AuthToken.objects.create(curator)[1]
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(params=["anonymous", "curator"])
def headers(request, seeded, db):
    # Gzip is tested in test_serving; here bodies are read as they are.
    plain = {"Accept-Encoding": "identity"}
    if request.param == "anonymous":
        return plain
    return {**plain, "Authorization": f"Token {seeded}", "If-Match": "*"}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, headers):
    case.call_and_validate(headers=headers, checks=ALL_CHECKS)
