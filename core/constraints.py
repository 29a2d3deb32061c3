"""A record's check constraints validated in one query, not one query (and savepoint) each.

Django's ``Model.validate_constraints`` asks the database about each ``CheckConstraint``
separately (``Q.check``: a ``SELECT 1 WHERE <condition>`` inside a savepoint), so a citation's
five constraints cost fifteen queries on every ``full_clean()``. Here the conditions are the
columns of one ``SELECT``, over the same values Django substitutes for the fields, with the
same outcomes: a condition that is NULL passes (as in SQL's ``CHECK``), and one that names a
field left out of the check (``exclude``) is not checked.
"""

import logging
from contextlib import nullcontext

from django.core.exceptions import FieldError
from django.db import DatabaseError, connections, transaction
from django.db.models import BooleanField, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE

logger = logging.getLogger(__name__)


def violated(instance, constraints, *, exclude=None, using: str) -> list:
    """Those of ``constraints`` that ``instance``'s values break, asked in one query."""
    if not constraints:
        return []
    query = Query(None)
    against = instance._get_field_expression_map(meta=instance._meta, exclude=exclude)
    for name, value in against.items():
        if not hasattr(value, "resolve_expression"):
            value = Value(value)
        query.add_annotation(value, name, select=False)
    asked = []
    for position, constraint in enumerate(constraints):
        condition = Coalesce(Q(constraint.condition), True, output_field=BooleanField())
        try:
            query.add_annotation(condition, f"_check_{position}")
        except FieldError:
            continue  # it names a field left out of the check, as Django's own skips it
        asked.append(constraint)
    if not asked:
        return []
    connection = connections[using]
    # An error aborts a PostgreSQL transaction: there, ask inside a savepoint, as Django does.
    # SQLite goes on after an error, and the savepoint would be two more queries.
    guarded = connection.in_atomic_block and connection.vendor == "postgresql"
    try:
        with transaction.atomic(using=using) if guarded else nullcontext():
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError as exc:  # as Django's ``Q.check``: the database decides on save
        logger.warning("Got a database error checking the constraints of %r: %s", instance, exc)
        return []
    return [constraint for constraint, ok in zip(asked, row, strict=True) if not ok]
