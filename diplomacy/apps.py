from django.apps import AppConfig


class DiplomacyConfig(AppConfig):
    name = "diplomacy"

    def ready(self):
        # Imported here, as Django requires: models are not ready when this module loads.
        from core.loading import dataset_loaded
        from diplomacy.reference import countries_sync

        # Every load leaves the ISO 3166-1 countries complete, so any pair can be filtered.
        dataset_loaded.connect(
            lambda sender, **kwargs: countries_sync(),
            weak=False,
            dispatch_uid="diplomacy-countries",
        )
