"""In-process cost of a list page, compiled path vs serializer path, per resource.

Run: ``.venv/bin/python -m pytest bench/compiled_resources.py -q -s -p no:cacheprovider``
(``DATABASE_URL=...`` for PostgreSQL). Builds ~5,000 published records in the test
database (lists of 0 to 3 items, nested records cited), then asks each resource's first
page (50 rows) 100 times each way, interleaved, and prints the mean CPU time of the
process (``time.process_time``) and the queries per page. Not a test: it asserts nothing
but that both paths answer the same bytes.
"""

import random
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.api import response_cache
from core.models import ReviewState
from diplomacy.models import DecisionStatus, DesignationKind, DesignationStatus
from tests import factories as f
from tests.api.test_compiled import VIEWSETS

PUBLISHED = {"review_state": ReviewState.PUBLISHED}
ROUNDS = 100


def build(rng):
    src = f.published(f.source())
    countries = [f.country(**PUBLISHED) for _ in range(20)]
    orgs = [f.organization(**PUBLISHED) for _ in range(20)]
    officials = [f.official(**PUBLISHED) for _ in range(300)]
    positions = [f.position(country=rng.choice(countries), **PUBLISHED) for _ in range(300)]
    for official in officials:
        for position in rng.sample(positions, rng.randrange(4)):
            f.cite(
                f.tenure(official=official, position=position, start="2020", **PUBLISHED), src=src
            )
    decisions = []
    for _ in range(500):
        d = f.decision(**PUBLISHED)
        d.countries.set(rng.sample(countries, rng.randrange(4)))
        d.proposed_by.set(rng.sample(orgs, rng.randrange(3)))
        for seq in range(1, 1 + rng.randrange(4)):
            f.cite(
                f.stage(decision=d, sequence=seq, status=DecisionStatus.PROPOSED, **PUBLISHED),
                src=src,
            )
        decisions.append(d)
    statements = []
    for n in range(800):
        s = f.statement(
            speaker=rng.choice(officials), summary=f"Said {n} " * rng.randrange(1, 20), **PUBLISHED
        )
        s.about_countries.set(rng.sample(countries, rng.randrange(3)))
        s.about_decisions.set(rng.sample(decisions, rng.randrange(3)))
        statements.append(s)
    for _ in range(500):
        c = f.commodity(**PUBLISHED)
        c.statements.set(rng.sample(statements, rng.randrange(4)))
        c.policy_decisions.set(rng.sample(decisions, rng.randrange(3)))
    for _ in range(300):
        d = f.designation(
            organization=rng.choice(orgs),
            jurisdiction=rng.choice(countries),
            kind=DesignationKind.BANNED,
            **PUBLISHED,
        )
        f.designation_change(designation=d, status=DesignationStatus.SUSPENDED, **PUBLISHED)


@pytest.mark.django_db
def test_measure(client, monkeypatch):
    build(random.Random(5))
    monkeypatch.setattr(response_cache, "lookup", lambda key: None)
    names = (
        "citations",
        "commodities",
        "statements",
        "policy-decisions",
        "officials",
        "positions",
        "designation-changes",
        "changes",
    )
    for url, viewset in VIEWSETS.items():
        if url.rstrip("/").rsplit("/", 1)[-1] not in names:
            continue
        result = {}
        bodies = {}
        times = {True: [], False: []}
        for mode in (True, False):
            monkeypatch.setattr(viewset, "compiled", mode)
            client.get(url)  # made once per process: the compiled query, content types
            with CaptureQueriesContext(connection) as queries:
                bodies[mode] = client.get(url).content
            result[mode] = len(queries)
        assert bodies[True] == bodies[False], url
        for _ in range(ROUNDS):
            for mode in (True, False):
                monkeypatch.setattr(viewset, "compiled", mode)
                start = time.process_time()
                client.get(url)
                times[mode].append(time.process_time() - start)
        mean = {m: 1000 * sum(t) / len(t) for m, t in times.items()}
        print(
            f"{connection.vendor} {url}: serializer {mean[False]:.1f} ms {result[False]} queries;"
            f" compiled {mean[True]:.1f} ms {result[True]} queries;"
            f" {mean[False] / mean[True]:.1f}x"
        )
