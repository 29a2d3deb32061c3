from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.releases import ReleaseCorrupt, ReleaseError
from core.releases.register import register_release


class Command(BaseCommand):
    help = (
        "Serve a release published elsewhere (its folder or datapackage.json, e.g. "
        "fixtures/release) at /api/v1/releases/: checksums verified, files copied into the "
        "'releases' storage. Loads no data (that is load_dataset). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The release's folder or datapackage.json.")

    def handle(self, *args, path, **options):
        try:
            release, new = register_release(path)
        except (ReleaseError, ReleaseCorrupt) as exc:
            raise CommandError(f"Nothing was registered. {exc}") from exc
        state = "registered" if new else "already registered"
        self.stdout.write(
            self.style.SUCCESS(f"Release {release.version} {state} (sha256:{release.checksum}).")
        )
