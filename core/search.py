"""Full-text search for the ``q`` filter.

PostgreSQL: ``websearch_to_tsquery`` against ``to_tsvector('simple', search_document)``,
served by a GIN expression index that the initial migrations create (``SearchIndex``).
The 'simple' configuration does no stemming, so names in any language match as written.

SQLite (development): every word of the query must occur in the document, case-insensitively.
That is the same AND semantics, without an index.

A model that names relations in ``search_related`` is searched across them (see
``search_across``): each term may match the record or one of those related records.
"""

import re
import shlex
from dataclasses import dataclass

from django.db import connection, models

from core.indexes import PostgreSQLIndex

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


def search(
    queryset: models.QuerySet, query: str, related: dict[str, models.QuerySet] | None = None
) -> models.QuerySet:
    """``queryset`` filtered by ``q``; with ``related``, across relations (``search_across``)."""
    query = query.strip()
    if not query:
        return queryset
    if related:
        return search_across(queryset, query, related)
    if connection.vendor == "postgresql":
        return queryset.filter(WebSearchMatch(models.F("search_document"), query))
    condition = models.Q()
    for word in words(query):
        condition &= models.Q(search_document__icontains=word)
    return queryset.filter(condition)


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
    text: str
    phrase: bool = False
    negated: bool = False

    def websearch(self) -> str:
        """The term alone in websearch_to_tsquery's syntax (a phrase stays a phrase)."""
        text = self.text.replace('"', " ")
        return f'"{text}"' if self.phrase else text


def parse(query: str) -> list[list[Term]]:
    """``q`` as alternatives (split at ``or``) of terms that must all match.

    The syntax of PostgreSQL's ``websearch_to_tsquery``, on both databases: words,
    ``"quoted phrases"``, ``-excluded`` words and ``or``. Words without a letter or digit
    (lone operators, punctuation) are ignored, as websearch_to_tsquery ignores them.
    """
    groups: list[list[Term]] = [[]]
    for part in words(query):
        if part.lower() == "or":
            groups.append([])
            continue
        negated = part.startswith("-") and len(part) > 1
        text = part[1:] if negated else part
        if not HAS_LEXEME.search(text):
            continue
        groups[-1].append(Term(text, phrase=len(text.split()) > 1, negated=negated))
    return [group for group in groups if group]


HAS_LEXEME = re.compile(r"[^\W_]")


def term_matches(term: Term, column: str = "search_document"):
    """A condition: the document in ``column`` holds ``term`` (its sign not applied)."""
    if connection.vendor == "postgresql":
        return WebSearchMatch(models.F(column), term.websearch())
    return models.Q(**{f"{column}__icontains": term.text})


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
    """Migration operation: a GIN index for ``q`` on PostgreSQL; nothing on other databases."""

    def index_name(self, model) -> str:
        return f"{model._meta.db_table}_search_gin"

    def create_sql(self, model, quote) -> str:
        column = TSVECTOR.format(column=quote("search_document"))
        return (
            f"CREATE INDEX {quote(self.index_name(model))} ON {quote(model._meta.db_table)} "
            f"USING gin ({column})"
        )

    def describe(self):
        return f"Full-text search index on {self.model_name} (PostgreSQL only)"

    def deconstruct(self):
        return self.__class__.__name__, [self.model_name], {}
