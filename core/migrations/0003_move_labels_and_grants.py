# Data that named the old app: content types (and so permissions), the change feed's model
# labels, the reference sources' kind and their citations' locators; and the curators'
# grants on the models that moved here.

from django.contrib.auth.management import create_permissions
from django.db import migrations

MOVED = ("source", "historicalsource", "citation", "historicalcitation", "change")
RECORDS = ("source", "citation")
ACTIONS = ("add", "change", "delete", "view")
ISO_3166 = "eaf1fcdc-f18b-5b62-95d5-cb83d74a3382"
HS = "66b22c8f-10b5-5a13-af22-ee904a7c5159"


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    for name in MOVED:
        old = ContentType.objects.using(db).filter(app_label="diplomacy", model=name)
        if not ContentType.objects.using(db).filter(app_label="core", model=name).exists():
            old.update(app_label="core")
    Change = apps.get_model("core", "Change")
    for name in ("source", "citation"):
        Change.objects.using(db).filter(model=f"diplomacy.{name}").update(model=f"core.{name}")
    Source = apps.get_model("core", "Source")
    Source.objects.using(db).filter(pk__in=[ISO_3166, HS]).update(kind="reference")
    _locate_reference_citations(apps, db)
    _grant_curators(apps, db)


def _locate_reference_citations(apps, db):
    """Citations of the ISO and HS standards name the code they cite (their locator)."""
    Citation = apps.get_model("core", "Citation")
    ContentType = apps.get_model("contenttypes", "ContentType")
    codes = {
        ("diplomacy", "country"): ("iso2", ["iso3", "numeric", "name"]),
        ("trade", "commodity"): ("hs_code", ["hs_code"]),
    }
    for (app_label, model_name), (code_field, supports) in codes.items():
        content_type = ContentType.objects.using(db).filter(
            app_label=app_label, model=model_name
        ).first()
        if content_type is None:
            continue
        Model = apps.get_model(app_label, model_name)
        citations = Citation.objects.using(db).filter(
            content_type=content_type, source_id__in=[ISO_3166, HS], locator=""
        )
        for citation in citations:
            record = Model.objects.using(db).filter(pk=citation.object_id).first()
            if record is None:
                continue
            citation.locator = getattr(record, code_field)
            citation.supports = supports
            citation.save(update_fields=["locator", "supports"])


def _grant_curators(apps, db):
    app_config = apps.get_app_config("core")
    app_config.models_module = True  # state apps carry none; create_permissions needs one
    try:
        create_permissions(app_config, verbosity=0, using=db, apps=apps)
    finally:
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [
        f"{action}_{prefix}{model}"
        for model in RECORDS
        for prefix in ("", "historical")
        for action in ACTIONS
    ] + ["view_change"]
    group, _ = Group.objects.using(db).get_or_create(name="curators")
    group.permissions.add(
        *Permission.objects.using(db).filter(
            content_type__app_label="core", codename__in=codenames
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_evidence_fields"),
        ("diplomacy", "0004_evidence_moves_to_core"),
        ("trade", "0002_curators_group"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
