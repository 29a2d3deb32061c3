"""Schemathesis: every operation of the schema, against the app, with every check.

The schema is the one the app serves. Each operation runs anonymously and as a curator (who
sends ``If-Match: *``, so writes reach validation and the services), over the seed dataset,
loaded once.

Every operation gets the examples phase and ``MAX_EXAMPLES`` fuzzed cases under both
identities. The coverage phase (every boundary and wrong type of every parameter: about
2,000 cases for a list with 80 filters) runs once per operation, under the identity that
reaches the code behind it: reads anonymously (the public path, and the 405s of read-only
endpoints before any authentication), writes as the curator (an anonymous write stops at
the 401, whatever its body). Run twice, it doubled the time for the same code paths.
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
SCHEMA_PATH = "/api/v1/schema/"

load_all_checks()
ALL_CHECKS = CHECKS.get_all()

thorough = schemathesis.openapi.from_wsgi(SCHEMA_PATH, application)
quick = schemathesis.openapi.from_dict(thorough.raw_schema)
quick.app = application
quick.config.phases.coverage.enabled = False

# Reads and writes are split with exclude(): in Schemathesis 4.32, include(method=...) keeps
# every operation.
WRITES = ["POST", "PUT", "PATCH", "DELETE"]

hypothesis_settings = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


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


# Gzip is tested in test_serving; here bodies are read as they are.
PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture
def anonymous(seeded, db):
    return PLAIN


@pytest.fixture
def curator(seeded, db):
    return {**PLAIN, "Authorization": f"Token {seeded}", "If-Match": "*"}


@thorough.exclude(method=WRITES).parametrize()
@hypothesis_settings
def test_reads_anonymously(case, anonymous):
    case.call_and_validate(headers=anonymous, checks=ALL_CHECKS)


@quick.exclude(method="GET").parametrize()
@hypothesis_settings
def test_writes_anonymously(case, anonymous):
    case.call_and_validate(headers=anonymous, checks=ALL_CHECKS)


@quick.exclude(method=WRITES).parametrize()
@hypothesis_settings
def test_reads_as_curator(case, curator):
    case.call_and_validate(headers=curator, checks=ALL_CHECKS)


@thorough.exclude(method="GET").parametrize()
@hypothesis_settings
def test_writes_as_curator(case, curator):
    case.call_and_validate(headers=curator, checks=ALL_CHECKS)
