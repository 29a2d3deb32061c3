"""Full-text search for the ``q`` filter.

PostgreSQL: ``websearch_to_tsquery`` against ``to_tsvector('simple', search_document)``,
served by a GIN expression index that the initial migrations create (``SearchIndex``).
The 'simple' configuration does no stemming, so names in any language match as written.

SQLite (development): every word of the query must occur in the document, case-insensitively.
That is the same AND semantics, without an index.
"""

import shlex

from django.db import connection, models
from django.db.migrations.operations.base import Operation

TSVECTOR = "to_tsvector('simple'::regconfig, {column})"


class WebSearchMatch(models.Func):
    """``to_tsvector('simple', <document>) @@ websearch_to_tsquery('simple', <query>)``."""

    output_field = models.BooleanField()
    template = (
        "to_tsvector('simple'::regconfig, %(expressions)s) "
        "@@ websearch_to_tsquery('simple'::regconfig, %(query)s)"
    )

    def __init__(self, expression, query: str):
        super().__init__(expression)
        self.query = query

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, query="%s", **extra_context)
        return sql, (*params, self.query)


def words(query: str) -> list[str]:
    try:
        parts = shlex.split(query)
    except ValueError:  # an unbalanced quote: take the words as they are
        parts = query.split()
    return [part for part in parts if part]


def search(queryset: models.QuerySet, query: str) -> models.QuerySet:
    query = query.strip()
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        return queryset.filter(WebSearchMatch(models.F("search_document"), query))
    condition = models.Q()
    for word in words(query):
        condition &= models.Q(search_document__icontains=word)
    return queryset.filter(condition)


class SearchIndex(Operation):
    """Migration operation: a GIN index for ``q`` on PostgreSQL; nothing on other databases."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def state_forwards(self, app_label, state):
        pass

    def _names(self, app_label, schema_editor, from_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        table = model._meta.db_table
        return table, schema_editor.quote_name(f"{table}_search_gin")

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        table, index = self._names(app_label, schema_editor, to_state)
        column = TSVECTOR.format(column=schema_editor.quote_name("search_document"))
        schema_editor.execute(
            f"CREATE INDEX {index} ON {schema_editor.quote_name(table)} USING gin ({column})"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        _, index = self._names(app_label, schema_editor, from_state)
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")

    def describe(self):
        return f"Full-text search index on {self.model_name} (PostgreSQL only)"

    def deconstruct(self):
        return self.__class__.__name__, [self.model_name], {}
