from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.loading import DatasetError, load_dataset


class Command(BaseCommand):
    help = (
        "Load a release (its folder or datapackage.json; default: fixtures/release, the "
        "current seed release) or a dataset fixture atomically. A release's checksums are "
        "verified first; every record is validated. "
        "A broken fixture changes nothing and each problem is named. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "fixtures",
            nargs="*",
            default=[str(Path(settings.BASE_DIR) / "fixtures" / "release")],
            help="Release folders, their datapackage.json, or fixture files (JSON, Django's "
            "format with natural keys).",
        )

    def handle(self, *args, fixtures, **options):
        # All files or none: one transaction around them all.
        try:
            with transaction.atomic():
                reports = [(name, load_dataset(Path(name))) for name in fixtures]
        except DatasetError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        for name, report in reports:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{name}: {report.created} created, {report.updated} updated, "
                    f"{report.unchanged} unchanged; "
                    f"{report.reference_added} reference records added."
                )
            )
