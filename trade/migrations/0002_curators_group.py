"""The ``curators`` group: add, change, delete and view on every record model of both apps.

The change feed (``diplomacy.Change``) is append-only, written by the history signal: curators
may view all of it (drafts' changes included), and change none of it.

Permissions are normally created after ``migrate`` finishes (post_migrate), so on a fresh
database they do not exist yet here; they are created first, for both apps. The historical
models are included, so that revert keeps working if history permissions are ever enforced
(SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "curators"
APPS = ("diplomacy", "trade")
ACTIONS = ("add", "change", "delete", "view")
# The record models as of this migration, named so that the grant does not depend on which
# later migrations happen to have run. A model added later is granted in a migration of its own.
MODELS = (
    "citation",
    "country",
    "decisionstage",
    "designation",
    "official",
    "organization",
    "policydecision",
    "position",
    "source",
    "statement",
    "tenure",
    "commodity",
    "shipment",
)
VIEW_ONLY = ("change",)


def create_group(apps, schema_editor):
    db = schema_editor.connection.alias
    for label in APPS:
        app_config = apps.get_app_config(label)
        # Migration state apps carry no models module; create_permissions needs one to run.
        app_config.models_module = True
        try:
            create_permissions(app_config, verbosity=0, using=db, apps=apps)
        finally:
            app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    codenames = [
        f"{action}_{prefix}{model}"
        for model in MODELS
        for prefix in ("", "historical")
        for action in ACTIONS
    ] + [f"view_{model}" for model in VIEW_ONLY]
    permissions = Permission.objects.using(db).filter(
        content_type__in=ContentType.objects.using(db).filter(app_label__in=APPS),
        codename__in=codenames,
    )
    group, _ = Group.objects.using(db).get_or_create(name=GROUP)
    group.permissions.add(*permissions)


def delete_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("trade", "0001_initial"),
        ("diplomacy", "0003_change_feed"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
