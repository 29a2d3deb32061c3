"""The admin's lists sort names as the API does: a click on "name" orders by the folded
``name_sort_key`` (``core.collation``), not by the database's collation of ``name``."""

from django.contrib.admin.views.main import ChangeList


class NameOrderChangeList(ChangeList):
    """A change list whose ``name`` column sorts by ``name_sort_key`` where the model has it."""

    def get_ordering_field(self, field_name):
        field = super().get_ordering_field(field_name)
        if field == "name" and any(f.name == "name_sort_key" for f in self.model._meta.fields):
            return "name_sort_key"
        return field


class NameOrderMixin:
    """ModelAdmin mixin: the change list of ``NameOrderChangeList``."""

    def get_changelist(self, request, **kwargs):
        return NameOrderChangeList
