import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.history import Channel, history_channel
from core.models import Source
from trade.statistics.formats import FORMATS, StatisticsFileError
from trade.statistics.importer import ImportOptions, describe_error, statistics_import


class Command(BaseCommand):
    help = (
        "Import a file of official trade statistics (Comtrade+ API JSON or bulk CSV, or BACI "
        "CSV) as a dataset source whose rows the imported flows cite. Drafts unless --publish; "
        "--dry-run prints what would change and changes nothing. The same file twice is "
        "nothing to do; other --countries add the rows not imported before to its source; a "
        "newer edition supersedes the older one."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The downloaded file (.json, .csv, .txt; .gz too).")
        parser.add_argument("--format", choices=FORMATS, help="Default: found from the file.")
        parser.add_argument("--dry-run", action="store_true", help="Change nothing; say what.")
        parser.add_argument("--publish", action="store_true", help="Publish what is imported.")
        parser.add_argument("--publisher", default="", help="Default: UN Comtrade, or CEPII.")
        parser.add_argument("--edition", default="", help="The release, e.g. 2024-05, V202401.")
        parser.add_argument("--licence", default="", help="SPDX id or the terms' name.")
        parser.add_argument("--downloaded", default="", help="YYYY-MM-DD: when it was taken.")
        parser.add_argument("--title", default="", help="The source's title (default: named).")
        parser.add_argument(
            "--classification",
            default="",
            help="BACI's HS edition (H5 or HS17), if its file name does not give it.",
        )
        parser.add_argument(
            "--countries",
            default="",
            help="Only flows of these countries (alpha-2, e.g. RU,AF; default: the whole file).",
        )
        parser.add_argument(
            "--supersedes",
            default="",
            help="The source id of the edition "
            "this file replaces (default: found by the rows both hold).",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from None
        settings = self.options(options)
        try:
            with history_channel(Channel.IMPORT):
                report = statistics_import(data, path.name, settings)
        except (StatisticsFileError, ValidationError) as exc:
            raise CommandError(f"{path.name}: nothing imported. {describe_error(exc)}") from None
        self.say(report, settings)

    def options(self, options) -> ImportOptions:
        downloaded = None
        if options["downloaded"]:
            try:
                downloaded = datetime.date.fromisoformat(options["downloaded"])
            except ValueError:
                raise CommandError("--downloaded: a day, YYYY-MM-DD.") from None
        supersedes = None
        if options["supersedes"]:
            try:
                supersedes = Source.objects.get(pk=options["supersedes"])
            except (Source.DoesNotExist, ValidationError, ValueError):
                raise CommandError(f"--supersedes: no source {options['supersedes']}.") from None
        countries = tuple(c.strip().upper() for c in options["countries"].split(",") if c.strip())
        return ImportOptions(
            format=options["format"] or "",
            publisher=options["publisher"],
            edition=options["edition"],
            licence=options["licence"],
            downloaded=downloaded,
            title=options["title"],
            classification=options["classification"],
            countries=countries,
            supersedes=supersedes,
            publish=options["publish"],
            dry_run=options["dry_run"],
        )

    def say(self, report, settings) -> None:
        write = self.stdout.write
        if report.nothing_to_do:
            write(
                f"Nothing to do: this file is source {report.source.pk} “{report.source}” already."
            )
            return
        if report.more:
            doing, done = "import more rows of", "Imported more rows of"
        elif report.earlier:
            doing, done = "publish the earlier import of", "Published the earlier import of"
        else:
            doing, done = "import", "Imported"
        prefix = f"Dry run, nothing changed: would {doing}" if settings.dry_run else done
        write(f"{prefix} {report.format} as source “{report.source}”.")
        if report.superseded is not None:
            write(f"It supersedes source {report.superseded.pk} “{report.superseded}”.")
        write(
            f"new: {report.new}, changed: {report.changed}, unchanged: {report.unchanged}, "
            f"held: {report.held}, gone: {len(report.gone)}"
            + (f", published: {report.published}" if settings.publish else "")
        )
        for reason, count in sorted(report.skipped.items()):
            write(f"skipped {count}: {reason}")
        # A new commodity is published with the first published flow that names it.
        made = "published with its flows" if settings.publish else "draft"
        for commodity in report.commodities_created:
            write(f"new commodity ({made}): {commodity.name} ({commodity.slug})")
        if settings.dry_run:
            for locator in report.added:
                write(f"would add: {locator}")
            if report.new > len(report.added):
                write(f"would add {report.new - len(report.added)} more rows")
        for locator in report.gone[:20]:
            write(f"not in this edition (kept, with the older citation): {locator}")
        if report.held:
            write(
                f"{report.held} published flows keep the older edition until this one is "
                "published (run again with --publish)."
            )
        if settings.dry_run:
            return
        state = "published" if settings.publish else "drafts (publish with --publish)"
        self.stdout.write(self.style.SUCCESS(f"Source {report.source.pk}: {state}."))
