"""Every model has its API test and its filter test; a new model without them fails here."""

import inspect

from django.apps import apps

from core.models import Change, Citation
from tests.api import test_citations_resource, test_resources
from tests.api.case import APIResourceTest
from trade.models import StatisticsFile

# Citations are checked inline by every citable resource's test, and on their own
# (/api/v1/citations/) in test_citations_resource.py. The change feed has a shape of its
# own, tested in test_changes.py and test_writes.py.
INLINE_EVERYWHERE = {Citation}
OWN_TESTS = {Change: "test_changes"}
# Not records and no endpoint: the bookkeeping of imported statistics files, whose sources and
# rows the API serves (tests/trade/test_trade_statistics.py).
NO_ENDPOINT = {StatisticsFile}


def resource_tests():
    return [
        cls
        for module in (test_resources, test_citations_resource)
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, APIResourceTest) and cls is not APIResourceTest
    ]


def our_models():
    return {
        model
        for app in ("diplomacy", "trade")
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
    }


def test_every_model_has_an_api_test():
    covered = set(INLINE_EVERYWHERE) | set(OWN_TESTS) | NO_ENDPOINT
    for module in OWN_TESTS.values():
        __import__(f"tests.api.{module}")
    for cls in resource_tests():
        covered |= {cls.model, *cls.covers}
    missing = sorted(m.__name__ for m in our_models() - covered)
    assert not missing, f"models without an API test class: {missing}"


def test_every_api_test_exercises_a_filterset():
    for cls in resource_tests():
        filterset = cls().viewset.filterset_class
        assert filterset is not None and filterset._meta.model is cls.model, cls.__name__
        assert len(filterset.base_filters) >= 5, f"{cls.__name__}: too few filters"
        assert cls.test_every_declared_filter is APIResourceTest.test_every_declared_filter
