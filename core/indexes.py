"""Indexes that Django's ``Meta.indexes`` cannot declare for every database alike.

Nullable ordering fields sort their NULLs last in both directions (``config.api.pagination``).
An index ``(field, id)`` in ``Meta.indexes`` serves ``ordering=field`` on both databases and
``ordering=-field`` on SQLite, which reads it backwards with NULLs last. PostgreSQL reads it
backwards with NULLs first, so ``-field`` needs an index of its own there,
``(field DESC NULLS LAST, id DESC)``, which SQLite's CREATE INDEX cannot express.
"""

from django.db.migrations.operations.base import Operation


class DescendingNullsLastIndex(Operation):
    """Migration operation: ``(field DESC NULLS LAST, <pk> DESC)`` on PostgreSQL only."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str, field: str):
        self.model_name = model_name
        self.field = field

    def state_forwards(self, app_label, state):
        pass

    def _parts(self, app_label, schema_editor, state):
        model = state.apps.get_model(app_label, self.model_name)
        table = model._meta.db_table
        column = model._meta.get_field(self.field).column
        index = schema_editor.quote_name(f"{table}_{column}_desc_nulls_last")
        return model, table, column, index

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model, table, column, index = self._parts(app_label, schema_editor, to_state)
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"CREATE INDEX {index} ON {quote(table)} "
            f"({quote(column)} DESC NULLS LAST, {quote(model._meta.pk.column)} DESC)"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        index = self._parts(app_label, schema_editor, from_state)[3]
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")

    def describe(self):
        return f"Index on {self.model_name}.{self.field} descending, NULLs last (PostgreSQL)"

    def deconstruct(self):
        return self.__class__.__name__, [self.model_name, self.field], {}
