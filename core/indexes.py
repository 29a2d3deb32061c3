"""Indexes that Django's ``Meta.indexes`` cannot declare for every database alike.

Nullable ordering fields sort their NULLs last in both directions (``config.api.pagination``).
An index ``(field, id)`` in ``Meta.indexes`` serves ``ordering=field`` on both databases and
``ordering=-field`` on SQLite, which reads it backwards with NULLs last. PostgreSQL reads it
backwards with NULLs first, so ``-field`` needs an index of its own there,
``(field DESC NULLS LAST, id DESC)``, which SQLite's CREATE INDEX cannot express.
"""

from django.db.migrations.operations.base import Operation


class PostgreSQLIndex(Operation):
    """Migration operation: an index that only PostgreSQL gets; nothing on other databases.

    Subclasses name the index (``index_name``) and write its CREATE INDEX (``create_sql``).
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def state_forwards(self, app_label, state):
        pass

    def index_name(self, model) -> str:
        raise NotImplementedError

    def create_sql(self, model, quote) -> str:
        raise NotImplementedError

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            model = to_state.apps.get_model(app_label, self.model_name)
            schema_editor.execute(self.create_sql(model, schema_editor.quote_name))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            model = from_state.apps.get_model(app_label, self.model_name)
            index = schema_editor.quote_name(self.index_name(model))
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class DescendingNullsLastIndex(PostgreSQLIndex):
    """``(field DESC NULLS LAST, <pk> DESC)`` on PostgreSQL only."""

    def __init__(self, model_name: str, field: str):
        super().__init__(model_name)
        self.field = field

    def index_name(self, model) -> str:
        return f"{model._meta.db_table}_{model._meta.get_field(self.field).column}_desc_nulls_last"

    def create_sql(self, model, quote) -> str:
        column = model._meta.get_field(self.field).column
        return (
            f"CREATE INDEX {quote(self.index_name(model))} ON {quote(model._meta.db_table)} "
            f"({quote(column)} DESC NULLS LAST, {quote(model._meta.pk.column)} DESC)"
        )

    def describe(self):
        return f"Index on {self.model_name}.{self.field} descending, NULLs last (PostgreSQL)"

    def deconstruct(self):
        return self.__class__.__name__, [self.model_name, self.field], {}
