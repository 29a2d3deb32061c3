"""The compiled read path writes exactly what the serializer writes, byte for byte.

Every resource of the API, on records whose every field is filled with random non-null
values (``tests.random_records``, seeded): list pages, ``fields=`` subsets, ``brief`` and
records, read once through the JSON the database builds and once through the serializer.
"""

import collections
import random

import pytest
from django.urls import get_resolver
from rest_framework import serializers

from config.api import compiled, response_cache
from config.api.views import PublicReadOnlyViewSet
from tests.api.case import CuratorAPI
from tests.random_records import fill_every_resource

pytestmark = pytest.mark.django_db


def registered_viewsets() -> dict[str, type]:
    """Every list URL of the API and its viewset, found in the URL configuration."""
    found = {}

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, route)
                continue
            cls = getattr(pattern.callback, "cls", None)
            actions = getattr(pattern.callback, "actions", {}) or {}
            if cls and issubclass(cls, PublicReadOnlyViewSet) and actions.get("get") == "list":
                found["/" + route.replace("^", "").replace("$", "")] = cls

    walk(get_resolver().url_patterns, "")
    return found


VIEWSETS = registered_viewsets()


def test_every_resource_compiles_or_says_it_does_not():
    assert len(VIEWSETS) >= 15
    for viewset in VIEWSETS.values():
        serializer = viewset.serializer_class
        collections = ("citations",) if "citations" in serializer().fields else ()
        if viewset.compiled:
            compiled.check(serializer, collections)  # raises NotCompilable
        else:
            with pytest.raises(compiled.NotCompilable):
                compiled.check(serializer, collections)


def both_ways(get, url, monkeypatch, **params):
    viewset = VIEWSETS.get(url) or VIEWSETS[url.rsplit("/", 2)[0] + "/"]
    compiled_answer = get(url, **params)
    with monkeypatch.context() as patched:
        patched.setattr(viewset, "compiled", False)
        serializer_answer = get(url, **params)
    return compiled_answer, serializer_answer


def test_compiled_json_is_the_serializers_on_filled_records(client, curator, monkeypatch):
    fill_every_resource(random.Random(21))
    monkeypatch.setattr(response_cache, "lookup", lambda key: None)
    curator_api = CuratorAPI(client, curator)
    readers = {
        "anonymous": lambda u, **p: client.get(u, p),
        "curator": lambda u, **p: curator_api.get(u, data=p),
    }
    rng = random.Random(7)
    checked = 0
    lengths = collections.defaultdict(list)  # (reader, url, list field) -> its lengths
    for url, viewset in VIEWSETS.items():
        if not viewset.compiled:
            continue
        names = list(viewset.serializer_class().fields)
        subset = ",".join(rng.sample(names, k=min(4, len(names))))
        for who, get in readers.items():
            for params in ({}, {"limit": 3}, {"brief": "true"}, {"fields": subset}):
                new, old = both_ways(get, url, monkeypatch, **params)
                assert new.status_code == 200, new.content
                assert new.content == old.content, (who, url, params)
            rows = get(url, limit=5).json()["results"]
            assert rows, (who, url)  # the filled records are there to compare
            for row in get(url, limit=1000).json()["results"]:
                for name in list_fields(viewset):
                    lengths[who, url, name].append(len(row[name]))
            for row in rows:
                detail = row["url"].removeprefix("http://testserver")
                new, old = both_ways(get, detail, monkeypatch)
                assert new.content == old.content, (who, detail)
                assert new["ETag"] == old["ETag"]
                checked += 1
    assert checked >= 8
    # Lists (many-to-many briefs, nested records) were compared empty, with one item and
    # with several, and with a draft item the anonymous reader does not see.
    assert len({key[1:] for key in lengths}) >= 12
    for (who, url, name), seen in lengths.items():
        assert {0, 1} <= set(seen) and max(seen) >= 3, (who, url, name, seen)
        if who == "curator":
            assert sum(seen) > sum(lengths["anonymous", url, name]), (url, name)


def list_fields(viewset) -> list[str]:
    """The serializer's lists of records: many-to-many briefs and nested records."""
    return [
        name
        for name, field in viewset.serializer_class().fields.items()
        if isinstance(field, serializers.ManyRelatedField)
        or (
            isinstance(field, serializers.ListSerializer)
            and isinstance(field.child, serializers.ModelSerializer)
        )
    ]
