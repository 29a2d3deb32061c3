"""The compiled path (``config.api.compiled``): pages and records as JSON the database builds."""

import functools

from config.api import compiled
from config.api.urls_cache import absolute

# Compiled querysets by view, fields and what the reader may see (``compiled_queryset``).
_compiled_querysets = {}
MAX_COMPILED_QUERYSETS = 512
#: The column of each row's JSON text in the compiled queryset.
COMPILED = "_json"


class CompiledMixin:
    #: Pages and records are JSON built by the database from the serializer's fields
    #: (``config.api.compiled``). False: the serializer renders them (a resource whose
    #: fields do not all compile says so here; ``tests/api/test_compiled.py`` checks it).
    compiled = True

    def compiled_collections(self, base) -> dict:
        """Per collection field (citations), the expression of its JSON array for a row."""
        return {}

    def compiled_extra_columns(self) -> tuple[str, ...]:
        """Columns the view itself reads from each row (beyond the JSON)."""
        return ()

    def compiled_key(self) -> tuple:
        """What, besides the visible rows, the compiled queryset depends on (see below)."""
        return ()

    def uses_compiled(self) -> bool:
        if not self.compiled or self.request.method not in ("GET", "HEAD"):
            return False
        return self.as_of is None  # states on a day are annotations: the serializer reads them

    def compiled_queryset(self):
        """The visible rows, each with its JSON (``COMPILED``), made once per kind of reader.

        Making it (visibility, the JSON expression, the collections' subqueries) costs the
        ORM more than a page's SQL costs the database; it depends on no data, only on what
        the reader may see and the fields asked for, which the key holds exactly. What the
        reader may see, here and in related records, is their class (``reader_class``: the
        manager's promise) with ``include_retracted``; it is not read off a built queryset,
        which would cost most of what the cache saves. No ``as_of`` (``uses_compiled``).
        """
        serializer_class = self.get_serializer_class()
        wanted = self.request_options.requested_fields(serializer_class)
        fields = frozenset(wanted) if wanted is not None else None
        base = absolute(self.request, "")
        ordering = self.list_ordering
        key = (
            type(self),
            fields,
            base,
            self.reader_class,
            self.include_retracted,
            tuple(ordering),
            self.compiled_key(),
        )
        queryset = _compiled_querysets.get(key)
        if queryset is None:
            if len(_compiled_querysets) >= MAX_COMPILED_QUERYSETS:
                _compiled_querysets.clear()
            visible = self.visible_queryset()
            user = self.request.user
            base_value = compiled.text_value(base)
            expression = compiled.compile_record(
                serializer_class,
                fields,
                base=base_value,
                states=functools.cache(functools.partial(_states_visible_as_related, user)),
                collections=self.compiled_collections(base_value),
                reader=user,
            )
            columns = {
                "pk",
                *(item.lstrip("-") for item in ordering),
                self.last_modified_field,
                *self.compiled_extra_columns(),
            }
            queryset = visible.annotate(**{COMPILED: expression})
            annotations = queryset.query.annotations
            annotations[COMPILED] = compiled.Compiled(annotations[COMPILED])
            queryset = queryset.values(*sorted(columns), COMPILED)
            _compiled_querysets[key] = queryset
        return queryset.all()  # a clone: the kept one is never evaluated


def _states_visible_as_related(user, model) -> tuple:
    manager = model._default_manager
    states = getattr(manager, "states_visible_as_related", None)
    return states(user) if states is not None else ()
