"""The ``curators`` group's grants, derived: add, change, delete and view on every record
model (each concrete ``PublicModel``) and on its history, and view on the change feed.

Granted after every ``migrate`` (``post_migrate``, once the app's permissions exist), so a
new record model needs no migration of its own. The grant migrations written before this
(``trade`` 0002 and 0009, ``core`` 0003, ``diplomacy`` 0007) stay: deployed databases have
applied them, and they give the same grants.
"""

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, router

CURATORS = "curators"
ACTIONS = ("add", "change", "delete", "view")
#: Read-only to curators: the change feed is append-only, written by the history signal.
VIEW_ONLY = ("core.change",)


def record_models(app_config=None) -> list:
    """Every record model (a concrete ``PublicModel``), of one app or of all."""
    from core.models import PublicModel

    models = app_config.get_models() if app_config else global_apps.get_models()
    return [model for model in models if issubclass(model, PublicModel)]


def curator_codenames(app_config) -> set[str]:
    """The codenames the group holds on ``app_config``'s models."""
    codenames = {
        f"{action}_{meta.model_name}"
        for model in record_models(app_config)
        for meta in (model._meta, model.history.model._meta)
        for action in ACTIONS
    }
    for label in VIEW_ONLY:
        app_label, model_name = label.split(".")
        if app_label == app_config.label:
            codenames.add(f"view_{model_name}")
    return codenames


def grant_curators(app_config, using=DEFAULT_DB_ALIAS, **kwargs):
    """``post_migrate``: the group holds its grants on this app's models (added, never
    taken away; a grant made by hand in the admin stays)."""
    from django.contrib.auth.models import Group, Permission

    codenames = curator_codenames(app_config)
    if not codenames or not router.allow_migrate_model(using, Group):
        return
    permissions = Permission.objects.using(using).filter(
        content_type__app_label=app_config.label, codename__in=codenames
    )
    group, _ = Group.objects.using(using).get_or_create(name=CURATORS)
    group.permissions.add(*permissions)
