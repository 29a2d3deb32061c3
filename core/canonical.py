"""JSON values in one order: every object's keys sorted.

SQLite keeps a JSON column's keys as they were written and PostgreSQL's jsonb in an order of
its own (shorter keys first), so a value written in another order would read back, and be
released, differently. Written and released sorted, a value reads the same after a release
is loaded into any database.
"""


def sorted_json(value):
    """``value`` with every object's keys in sorted order (lists keep their order)."""
    if isinstance(value, dict):
        return {key: sorted_json(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [sorted_json(item) for item in value]
    return value
