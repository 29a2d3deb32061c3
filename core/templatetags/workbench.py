"""Template tags of the curators' workbench (the admin's index)."""

from django import template

from core.admin.dashboard import review_queue as build_queue

register = template.Library()


@register.simple_tag
def review_queue(user):
    """The review queue that ``user`` may act on (see ``core.admin.dashboard``)."""
    return build_queue(user)


@register.filter
def verbose_name_of(record) -> str:
    return record._meta.verbose_name
