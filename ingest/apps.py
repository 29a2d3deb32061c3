from django.apps import AppConfig


class IngestConfig(AppConfig):
    """The extraction assistant: proposes records, with exact spans, for a curator to review.

    It sits above every domain app because it proposes records of all of them; nothing
    below imports it.
    """

    name = "ingest"
    verbose_name = "Extraction assistant"
