from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every record stands on: sources, citations, review, history, the change feed."""

    name = "core"
    verbose_name = "Evidence and review"

    def ready(self):
        from django.db.models.signals import post_migrate

        from core import signals  # noqa: F401  (connects the dataset-version receivers)
        from core.grants import grant_curators

        # After auth's create_permissions (auth's ready ran first): every app's record models.
        post_migrate.connect(grant_curators, dispatch_uid="core.grants.grant_curators")
