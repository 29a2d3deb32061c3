"""One order for names, the same on every database: the *name sort key*.

``ordering=name`` (and ``-name``) sorts a list by ``name_sort_key``, a column derived from
``name`` by ``sort_key``:

1. transliterated to ASCII (``anyascii``): accents go (``Åland`` → ``Aland``, ``Côte`` →
   ``Cote``), letters without a decomposition are spelt out (``Ø`` → ``O``, ``ß`` → ``ss``,
   ``Æ`` → ``AE``), other scripts are romanised (``Россия`` → ``Rossiia``);
2. lower-cased;
3. every run of characters that is not a letter or digit (spaces, hyphens, apostrophes,
   brackets, dots) becomes one space, and none leads or trails.

The key holds ``a``–``z``, ``0``–``9`` and single spaces, and is compared byte by byte:
a space sorts before every digit and letter (``Guinea`` < ``Guinea-Bissau`` < ``Guineas``),
digits before letters, numbers digit by digit (``10`` < ``9``). Names with the same key
(``Aland Islands`` and ``Åland Islands``, ``Guinea Bissau`` and ``Guinea-Bissau``) are
ordered by the public id, in the direction of the sort, so the order is total and cursor
pages never skip or repeat a row.

Byte by byte on both databases: SQLite compares text as bytes (BINARY); on PostgreSQL the
column is declared ``COLLATE "C"`` (``SortKeyField``), whatever the database's own
collation is, because a linguistic collation such as ``en_US.UTF-8`` ignores spaces at its
first level and would put ``Guineas`` between ``Guinea`` and ``Guinea-Bissau``.
"""

import re

from anyascii import anyascii
from django.db import models

#: The key is cut here (a name is at most 300 characters; romanised, it may grow longer).
SORT_KEY_LENGTH = 300
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def sort_key(name: str) -> str:
    """``name`` as lists sort it: ``"Åland Islands"`` → ``"aland islands"``."""
    folded = _NOT_ALNUM.sub(" ", anyascii(name or "").lower().replace("'", "")).strip()
    return folded[:SORT_KEY_LENGTH].rstrip()


class SortKeyField(models.CharField):
    """A ``sort_key`` column: compared byte by byte on every database.

    On PostgreSQL the column (and so its index, and every comparison of a cursor with it)
    uses the ``"C"`` collation; SQLite's default, BINARY, already compares bytes. The
    collation is not part of the field's declaration, so migrations stay the same on both.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", SORT_KEY_LENGTH)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class NameOrderedModel(models.Model):
    """Mixin of a model with a ``name`` that lists sort by: keeps ``name_sort_key``.

    The key is derived in ``compute_derived``, which ``save()`` runs (admin, API, services,
    commands) and the loader runs before its raw saves, so every write channel sets it. A
    migration that adds it to a model fills existing rows with ``backfill``. The key is
    not public: the API orders by it (``ordering=name``) and shows ``name``.
    """

    name_sort_key = SortKeyField(
        help_text="The name folded for sorting (core.collation.sort_key; derived)."
    )

    class Meta:
        abstract = True

    def compute_derived(self):
        super().compute_derived()
        self.name_sort_key = sort_key(self.name)

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_sort_key"}
        super().save(*args, **kwargs)


def name_sort_index(*public_id: str) -> models.Index:
    """The index of ``ordering=name``: the key, then the public id that breaks its ties
    (read backwards for ``-name``)."""
    return models.Index(fields=["name_sort_key", *public_id], name="%(class)s_name_sort_idx")


def backfill(apps, app_label: str, model_names) -> None:
    """A migration's RunPython: fill ``name_sort_key`` of existing rows (and their history)."""
    for model_name in model_names:
        model = apps.get_model(app_label, model_name)
        batch = []
        for record in model._default_manager.only("pk", "name").iterator(chunk_size=2000):
            record.name_sort_key = sort_key(record.name)
            batch.append(record)
        model._default_manager.bulk_update(batch, ["name_sort_key"], batch_size=500)


#: ``ordering_columns`` of a list whose ``ordering_fields`` include ``name``.
NAME_ORDERING_COLUMNS = {"name": "name_sort_key"}
