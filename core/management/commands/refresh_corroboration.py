from django.core.management.base import BaseCommand
from django.db import transaction

from core.corroboration import refresh_all


class Command(BaseCommand):
    help = (
        "Recompute every record's corroboration (sources, independent origins and "
        "contradictions per field) from the public evidence. The services and the loader "
        "keep it up to date; run this after writing rows by other means. Safe to run again."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = refresh_all()
        self.stdout.write(f"{changed} records' corroboration updated.")
