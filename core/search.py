"""Search for the ``q`` filter: one behaviour, one implementation, on SQLite and PostgreSQL.

A record's ``search_document`` is its searchable text *folded* (``fold``): accents stripped
(NFKD), case folded, every run of characters that is not a letter or digit made one space,
with a space before and after. ``q`` is folded the same way, and a word matches the
beginning of a word of the document: ``search_document LIKE '% <word>%'``. The SQL is the
same on both databases, and both compare folded text byte for byte, so they find the same
records. PostgreSQL serves the LIKE with a trigram index (``TrigramSearchIndex``).

``q`` takes web-search syntax: every word must match (by prefix, in any order);
``"quoted words"`` must follow one another; ``-word`` excludes; ``or`` separates
alternatives. A word of several parts (``al-Qaeda``, ``2710.19``) is such a sequence. Words
with no letter or digit (``---``, a lone ``-`` or quote) are ignored; a ``q`` with no word
left matches every record.

A model that names relations in ``search_related`` is searched across them (see
``search_across``): each term may match the record or one of those related records.
"""

import re
import shlex
import unicodedata
from dataclasses import dataclass

from django.db import models

from core.indexes import PostgreSQLIndex

NOT_A_WORD = re.compile(r"[\W_]+")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold(text: str) -> str:
    """``text`` as search compares it: no accents, case folded, words split by one space."""
    folded = _strip_marks(_strip_marks(text).casefold())
    return " ".join(NOT_A_WORD.sub(" ", folded).split())


def document(parts) -> str:
    """The ``search_document`` of a record whose searchable values are ``parts``."""
    folded = fold(" ".join(str(part) for part in parts if part))
    return f" {folded} " if folded else ""


def words(query: str) -> list[str]:
    try:
        parts = shlex.split(query)
    except ValueError:  # an unbalanced quote: take the words as they are
        parts = query.split()
    return [part for part in parts if part]


def search(
    queryset: models.QuerySet, query: str, related: dict[str, models.QuerySet] | None = None
) -> models.QuerySet:
    """``queryset`` filtered by ``q``; with ``related``, across relations (``search_across``)."""
    return search_across(queryset, query, related or {})


# --- Search across relations ---------------------------------------------------------------
#
# A model may name relations in ``search_related`` (a shipment: its commodity and countries).
# Then each term of ``q`` must match somewhere: the record's own document, or the document of
# one of those related records that the reader may see. This is decided at query time, not by
# copying the related names into the record's document: a rename or a new alias is found at
# once with no rewrite of the records that point at it (a commodity may have 100,000
# shipments), and what may match follows each reader's visibility (a curator's draft name
# finds nothing for the public).
#
# The related records are few (countries, commodities), so their matching keys are read first,
# in one query per related model, and each term becomes ``document matches OR commodity IN
# (…) OR exporter IN (…)``: every branch has an index (GIN, then the (fk, id) indexes), and
# PostgreSQL combines them with a BitmapOr instead of testing every row.

#: Beyond this many matching related records, a term keeps them in a subquery, not literals.
MAX_LITERAL_KEYS = 1000


@dataclass(frozen=True)
class Term:
    """Folded words that must follow one another, each a word's beginning (the last one)."""

    text: str
    negated: bool = False

    @property
    def pattern(self) -> str:
        return f" {self.text}"


def parse(query: str) -> list[list[Term]]:
    """``q`` as alternatives (split at ``or``) of terms that must all match."""
    groups: list[list[Term]] = [[]]
    for part in words(query):
        if part.lower() == "or":
            groups.append([])
            continue
        negated = part.startswith("-") and len(part) > 1
        text = fold(part[1:] if negated else part)
        if text:
            groups[-1].append(Term(text, negated=negated))
    return [group for group in groups if group]


def term_matches(term: Term, column: str = "search_document"):
    """A condition: the document in ``column`` holds ``term`` (its sign not applied).

    A folded term holds letters, digits and spaces only: nothing LIKE would read as a
    wildcard, and nothing either database folds differently.
    """
    return models.Q(**{f"{column}__contains": term.pattern})


def search_across(queryset, query: str, related: dict[str, models.QuerySet]):
    """``queryset`` filtered by ``query`` over its own documents and those of ``related``:
    for each relation name, the related records that may match (those the reader may see)."""
    groups = parse(query)
    if not groups:
        return queryset
    terms = list(dict.fromkeys(term for group in groups for term in group))
    keys = _related_keys(terms, related)
    condition = models.Q()
    for group in groups:
        alternative = models.Q()
        for term in group:
            found = models.Q()
            for name in related:
                found |= models.Q(**{f"{name}__in": keys[name][term]})
            found |= models.Q(term_matches(term))
            alternative &= ~found if term.negated else found
        condition |= alternative
    return queryset.filter(condition)


def _related_keys(terms: list[Term], related: dict[str, models.QuerySet]) -> dict:
    """For each relation and term, the keys of the related records that match it.

    One query per related model: the candidates of one model are the same for every
    relation to it (exporter and importer are both countries the reader may see).
    """
    by_model: dict[type, dict] = {}
    for candidates in related.values():
        if candidates.model not in by_model:
            by_model[candidates.model] = _matching_keys(candidates, terms)
    return {name: by_model[candidates.model] for name, candidates in related.items()}


def _matching_keys(candidates: models.QuerySet, terms: list[Term]) -> dict:
    flags = {
        f"t{i}": models.ExpressionWrapper(term_matches(term), models.BooleanField())
        for i, term in enumerate(terms)
    }
    any_term = models.Q()
    for term in terms:
        any_term |= models.Q(term_matches(term))
    rows = list(candidates.filter(any_term).annotate(**flags).values_list("pk", *flags))
    result = {}
    for i, term in enumerate(terms):
        matching = [row[0] for row in rows if row[i + 1]]
        if len(matching) > MAX_LITERAL_KEYS:
            matching = candidates.filter(term_matches(term)).values("pk")
        result[term] = matching
    return result


class SearchIndex(PostgreSQLIndex):
    """Migration operation of the first migrations: the full-text GIN index ``q`` used before
    it matched by word prefix (``TrigramSearchIndex`` replaces it); nothing on SQLite."""

    def index_name(self, model) -> str:
        return f"{model._meta.db_table}_search_gin"

    def create_sql(self, model, quote) -> str:
        column = f"to_tsvector('simple'::regconfig, {quote('search_document')})"
        return (
            f"CREATE INDEX {quote(self.index_name(model))} ON {quote(model._meta.db_table)} "
            f"USING gin ({column})"
        )

    def describe(self):
        return f"Full-text search index on {self.model_name} (PostgreSQL only)"

    def deconstruct(self):
        return self.__class__.__name__, [self.model_name], {}


class TrigramSearchIndex(PostgreSQLIndex):
    """Migration operation: a trigram GIN index on ``search_document`` that serves ``q``'s
    ``LIKE '% word%'`` on PostgreSQL (pg_trgm, a trusted extension); it replaces the
    full-text index of ``SearchIndex``. Nothing on other databases."""

    def index_name(self, model) -> str:
        return f"{model._meta.db_table}_search_trgm"

    def create_sql(self, model, quote) -> str:
        return (
            f"CREATE INDEX {quote(self.index_name(model))} ON {quote(model._meta.db_table)} "
            f"USING gin ({quote('search_document')} gin_trgm_ops)"
        )

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            model = to_state.apps.get_model(app_label, self.model_name)
            old = schema_editor.quote_name(f"{model._meta.db_table}_search_gin")
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(f"DROP INDEX IF EXISTS {old}")
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        super().database_backwards(app_label, schema_editor, from_state, to_state)
        if schema_editor.connection.vendor == "postgresql":
            model = from_state.apps.get_model(app_label, self.model_name)
            schema_editor.execute(
                SearchIndex(self.model_name).create_sql(model, schema_editor.quote_name)
            )

    def describe(self):
        return f"Trigram index for q on {self.model_name} (PostgreSQL only)"

    def deconstruct(self):
        return self.__class__.__name__, [self.model_name], {}


def backfill(apps, app_label: str) -> int:
    """A migration's RunPython: refold ``search_document`` of ``app_label``'s records from
    the historical models (the searched fields are the current models' declaration)."""
    from django.apps import apps as registry

    from core.models.records import PublicModel

    changed = 0
    for model in apps.get_app_config(app_label).get_models():
        try:
            current = registry.get_model(model._meta.label)
        except LookupError:
            continue
        if not issubclass(current, PublicModel) or not current.search_fields:
            continue
        names = current.search_fields
        batch = []
        for record in model._default_manager.only("pk", *names).iterator(chunk_size=2000):
            values = [getattr(record, name) for name in names]
            parts = [p for v in values for p in (v if isinstance(v, list) else [v])]
            record.search_document = document(parts)
            batch.append(record)
            if len(batch) == 2000:
                model._default_manager.bulk_update(batch, ["search_document"], batch_size=200)
                changed, batch = changed + len(batch), []
        model._default_manager.bulk_update(batch, ["search_document"], batch_size=200)
        changed += len(batch)
    return changed
