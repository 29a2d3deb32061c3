from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.releases import ReleaseCorrupt, ReleaseError, publish_release


class Command(BaseCommand):
    help = (
        "Publish the public data (published records, and retracted ones marked so) as an "
        "immutable, checksummed open-data release: a fixture, CSV and NDJSON per resource, "
        "datapackage.json, SHA256SUMS and a changelog against the previous release, in the "
        "'releases' storage under <version>/. A version is never reused."
    )

    def add_arguments(self, parser):
        parser.add_argument("version", help="The new release's version, e.g. 2026.11.0.")
        parser.add_argument(
            "--previous",
            type=Path,
            help="The release to compare with (its folder or datapackage.json); default: "
            "the latest published release.",
        )

    def handle(self, *args, version, previous, **options):
        def progress(message):
            if options["verbosity"] >= 1:
                self.stdout.write(f"  {message}")

        try:
            release = publish_release(version, previous=previous, progress=progress)
        except (ReleaseError, ReleaseCorrupt) as exc:
            raise CommandError(f"Nothing was published. {exc}") from exc
        size = sum(entry["bytes"] for entry in release.files)
        changes = {
            kind: sum(map(len, release.changelog[kind].values()))
            for kind in ("added", "changed", "retracted", "removed")
        }
        self.stdout.write(
            self.style.SUCCESS(
                f"Release {release.version}: {len(release.files)} files, {size} bytes, "
                f"checksum sha256:{release.checksum}; since "
                f"{release.previous or 'nothing'}: "
                + ", ".join(f"{count} {kind}" for kind, count in changes.items())
            )
        )
