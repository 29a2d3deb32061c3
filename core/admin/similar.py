"""Near-duplicates: existing named records whose name or alias is close to a new one's."""

import difflib

from django.utils.text import slugify

CUTOFF = 0.85
MAX = 3


def _names(record) -> list[str]:
    names = [record.name, *(getattr(record, "aliases", None) or [])]
    return [n for n in names if n]


def _key(name: str) -> str:
    return slugify(name).replace("-", " ")


def similar_records(record) -> list[tuple[object, str]]:
    """(record, why) for each other record of the model with a close name or alias."""
    model = type(record)
    fields = ["pk", "name"] + (["aliases"] if hasattr(record, "aliases") else [])
    others = model._default_manager.exclude(pk=record.pk).values_list(*fields)
    mine = {_key(n): n for n in _names(record)}
    scored = {}
    for row in others:
        pk, theirs = row[0], [row[1], *(row[2] if len(row) > 2 and row[2] else [])]
        for their in theirs:
            for key, own in mine.items():
                ratio = difflib.SequenceMatcher(None, key, _key(their)).ratio()
                if ratio >= CUTOFF and ratio > scored.get(pk, (0, ""))[0]:
                    what = "same name" if ratio == 1 else f"“{their}” ~ “{own}”"
                    scored[pk] = (ratio, what)
    best = sorted(scored.items(), key=lambda item: -item[1][0])[:MAX]
    records = model._default_manager.in_bulk([pk for pk, _ in best])
    return [(records[pk], why) for pk, (_ratio, why) in best if pk in records]
