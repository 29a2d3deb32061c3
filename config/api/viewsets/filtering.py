"""FilterSets cut to the filters a request uses, and their errors as the API reports them."""

import copy
import functools


@functools.lru_cache(maxsize=1024)
def filterset_for(filterset_class, names: tuple[str, ...], columns: tuple = ()):
    """A subclass of ``filterset_class`` that holds only the filters ``names``; those of a
    field named in ``columns`` (field, column) filter on that column instead."""
    subclass = type(filterset_class.__name__, (filterset_class,), {"__module__": __name__})
    subclass.base_filters = {name: filterset_class.base_filters[name] for name in names}
    for name, column in columns:
        for key, base in list(subclass.base_filters.items()):
            if base.field_name == name:
                moved = copy.deepcopy(base)
                moved.field_name = column
                subclass.base_filters[key] = moved
    return subclass


def filter_errors(filterset) -> dict[str, list[str]]:
    """The filterset's errors, each followed by the values the filter accepts, if few."""
    errors = {}
    for name, messages in filterset.errors.items():
        messages = list(messages)
        choices = filterset.filters[name].extra.get("choices")
        if choices and not callable(choices):
            messages.append(f"Allowed: {', '.join(str(value) for value, _ in choices)}.")
        errors[name] = messages
    return errors
