"""What a user may see: the one rule every reader asks.

Curators (users who may change a model) see its drafts; everyone else, logged in or not,
sees what is public: published records, and retracted ones when they ask for them. Lists,
details, nested objects, relation filters, facets, counts, exports, the change feed and the
evidence pages all go through ``visible_states()``.
"""

import hashlib

from django.db import models


class ReviewState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETRACTED = "retracted", "Retracted"


PUBLIC_STATES = (ReviewState.PUBLISHED, ReviewState.RETRACTED)


def is_curator(user, model) -> bool:
    """May ``user`` see ``model``'s drafts? Those who may change the model may."""
    if user is None or not user.is_authenticated:
        return False
    meta = model._meta
    return user.has_perm(f"{meta.app_label}.change_{meta.model_name}")


def visible_states(user, model, *, include_retracted: bool = False) -> tuple[str, ...]:
    """The review states of ``model``'s records that ``user`` may read."""
    states = [ReviewState.PUBLISHED]
    if is_curator(user, model):
        states.insert(0, ReviewState.DRAFT)
    if include_retracted:
        states.append(ReviewState.RETRACTED)
    return tuple(states)


def visible_as_related(user, model) -> tuple[str, ...]:
    """States in which a related record is shown inside another one: retracted ones are
    public knowledge (marked so at their own address), drafts only for curators."""
    return visible_states(user, model, include_retracted=True)


def visibility_class(user, model=None) -> str:
    """A key for caches: responses may be shared only within one class.

    Everyone without permissions sees the public rows, whatever the resource; a user with
    any permission may see drafts of some model, nested anywhere, so is a class alone, and
    a new one when their permissions change (what was cached for them before no longer is).
    """
    permissions = (
        user.get_all_permissions() if user is not None and user.is_authenticated else set()
    )
    if not permissions:
        return "public"
    digest = hashlib.sha256(repr(sorted(permissions)).encode()).hexdigest()[:12]
    return f"user:{user.pk}:{digest}"
