"""Every resource has its API test and its filter test; a new one without them fails here.

Nothing below lists resources by hand: the resources are the router's, the models the app
registry's, the test classes every ``APIResourceTest`` found in ``tests/api``.
"""

import importlib
import pkgutil
from pathlib import Path

from django.apps import apps

import tests.api
from config.urls import router
from core.api.views import RecordReadOnlyViewSet
from core.models import Change, Citation, Release
from tests.api.case import APIResourceTest
from trade.models import StatisticsFile

# Citations are checked inline by every citable resource's test, and on their own
# (/api/v1/citations/) in test_citations_resource.py. The change feed and the releases have
# shapes of their own, tested in their own modules.
INLINE_EVERYWHERE = {Citation}
OWN_TESTS = {Change: "tests.api.test_changes", Release: "tests.releases.test_releases_api"}
# Not records and no endpoint: the bookkeeping of imported statistics files, whose sources and
# rows the API serves (tests/trade/test_trade_statistics.py).
NO_ENDPOINT = {StatisticsFile}


def resource_tests() -> list[type]:
    """Every ``APIResourceTest`` subclass of the modules of ``tests/api`` that declare one."""
    folder = Path(tests.api.__file__).parent
    for module in pkgutil.iter_modules([str(folder)]):
        if "(APIResourceTest)" in (folder / f"{module.name}.py").read_text():
            importlib.import_module(f"tests.api.{module.name}")
    found, todo = [], list(APIResourceTest.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def resources() -> dict[str, type]:
    """The list URL of every record resource the router serves, and its viewset."""
    return {
        f"/api/v1/{prefix}/": viewset
        for prefix, viewset, _ in router.registry
        if issubclass(viewset, RecordReadOnlyViewSet)
    }


def our_models():
    """Every model of the apps the API serves resources of (core, diplomacy, trade)."""
    labels = {viewset.queryset.model._meta.app_label for _, viewset, _ in router.registry}
    return {
        model
        for label in labels
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
    }


def test_every_registered_resource_has_an_api_test():
    tested = {cls.url for cls in resource_tests()}
    missing = sorted(set(resources()) - tested)
    assert len(resources()) >= 15
    assert not missing, f"resources without an APIResourceTest (tests/api/case.py): {missing}"


def test_every_model_has_an_api_test():
    covered = set(INLINE_EVERYWHERE) | set(OWN_TESTS) | NO_ENDPOINT
    for module in OWN_TESTS.values():
        importlib.import_module(module)
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
