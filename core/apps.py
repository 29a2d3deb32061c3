from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every record stands on: sources, citations, review, history, the change feed."""

    name = "core"
    verbose_name = "Evidence and review"

    def ready(self):
        from core import signals  # noqa: F401  (connects the dataset-version receivers)
