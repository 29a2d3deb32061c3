from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class DiplomacyConfig(AppConfig):
    name = "diplomacy"

    def ready(self):
        # Imported here, as Django requires: models are not ready when this module loads.
        from core import locators
        from core.loading import dataset_loaded
        from diplomacy.reference import (
            HS_SOURCE_ID,
            ISO_3166_SOURCE_ID,
            countries_sync,
            hs_row,
            iso_3166_row,
        )

        # verify_citations reads the reference datasets' rows (core.locators).
        locators.register(ISO_3166_SOURCE_ID, iso_3166_row)
        locators.register(HS_SOURCE_ID, hs_row)

        # Every load leaves the ISO 3166-1 countries complete, so any pair can be filtered.
        dataset_loaded.connect(
            lambda sender, **kwargs: countries_sync(),
            weak=False,
            dispatch_uid="diplomacy-countries",
        )
        from diplomacy.models import DesignationChange

        # Every channel (the loader's raw saves too): a designation takes its latest change's
        # status as soon as a change is saved, published, retracted or deleted.
        post_save.connect(_refresh_designation, sender=DesignationChange, weak=False)
        post_delete.connect(_refresh_designation, sender=DesignationChange, weak=False)


def _refresh_designation(sender, instance, **kwargs):
    from diplomacy.models import Designation

    designation = Designation.objects.filter(pk=instance.designation_id).first()
    if designation is not None:
        designation.refresh_status()
