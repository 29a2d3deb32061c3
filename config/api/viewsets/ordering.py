"""The list's order, computed once per request and handed to the paginator."""

import functools

from config.api.filters import public_id_field
from config.api.request_options import parse_ordering


class OrderingMixin:
    def get_ordering(self) -> list[str]:
        """The requested ordering, ended by the default's unique key so that it is total.

        ``id`` means the public id (ISO code, slug or UUID), as everywhere in the API. The
        tiebreak runs in the direction of the key before it, so that one index (key, id)
        serves both directions.
        """
        items = self.request_options.ordering or parse_ordering(",".join(self.ordering))
        fields = [self.model_ordering(("-" if desc else "") + name) for name, desc in items]
        tiebreak = self.model_ordering(self.ordering[-1]).lstrip("-")
        if tiebreak not in {f.lstrip("-") for f in fields}:
            fields.append(("-" if fields[-1].startswith("-") else "") + tiebreak)
        return fields

    def model_ordering(self, item: str) -> str:
        sign, name = ("-" if item.startswith("-") else ""), item.lstrip("-")
        if name == "id":
            field = public_id_field(self.queryset.model)
            return sign + ("id" if field == "pk" else field)
        return sign + self.ordering_columns.get(name, name)

    @functools.cached_property
    def list_ordering(self) -> list[str]:
        """``get_ordering()`` of this request, computed once (the paginator, the compiled
        queryset's key and the exports read it)."""
        return self.get_ordering()

    def paginate_queryset(self, queryset):
        """The page the request asks for: the paginator gets the ordering and the options,
        and reads nothing of the view."""
        return self.paginator.paginate_queryset(
            queryset, self.request, self.list_ordering, self.request_options
        )
