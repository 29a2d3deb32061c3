"""Publishing is all or nothing: a failure after the citations were saved leaves them drafts.

PostgreSQL's browser test found the gap (``select_for_update`` outside a transaction: a 500 in
the admin); on SQLite nothing failed, and half a publish would have stayed.
"""

from unittest import mock

import pytest

from core import services
from core.models import Citation, ReviewState
from core.services import review
from tests import factories as f
from trade.models import Commodity

pytestmark = pytest.mark.django_db


def test_a_publish_that_fails_midway_leaves_the_record_and_its_citation_drafts(curator):
    article = f.published(f.source(text="Beta will ship flour (HS 1101) to Gamma."))
    flour = f.commodity(name="Flour", hs_code="1101")
    citation = f.cite(flour, quote="flour (HS 1101)", src=article, supports=["hs_code"])
    saved = review._save

    def fail_on_the_record(instance, **kw):
        if isinstance(instance, Commodity):
            raise RuntimeError("the disk is full")
        return saved(instance, **kw)

    with mock.patch.object(review, "_save", fail_on_the_record), pytest.raises(RuntimeError):
        services.record_publish(flour, user=curator)

    assert Citation.objects.get(pk=citation.pk).review_state == ReviewState.DRAFT
    assert Commodity.objects.get(pk=flour.pk).review_state == ReviewState.DRAFT
