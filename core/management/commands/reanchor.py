from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.history import Channel, history_channel
from core.models import Source
from core.services import source_reanchor


class Command(BaseCommand):
    help = (
        "Move the quotes of a corrected source: every live citation of OLD whose quote occurs "
        "once in NEW (which supersedes OLD) is re-cited there, and the old citation retracted "
        "(published) or removed (draft). Lists the quotes it cannot place."
    )

    def add_arguments(self, parser):
        parser.add_argument("old", help="UUID of the superseded source")
        parser.add_argument("new", help="UUID of the source that supersedes it")

    def handle(self, *args, old, new, **options):
        try:
            old_source, new_source = (Source.objects.get(pk=pk) for pk in (old, new))
        except (Source.DoesNotExist, ValidationError, ValueError) as exc:
            raise CommandError(f"No such source: {exc}") from exc
        try:
            with history_channel(Channel.COMMAND):
                report = source_reanchor(old_source, new_source, user=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        for citation in report.moved:
            span = f"[{citation.start}:{citation.end})"
            self.stdout.write(f"moved: {citation.record_label} {citation.object_id} {span}")
        for citation in report.not_found:
            self.stderr.write(
                f"not found once in the new text: citation {citation.pk} "
                f"({citation.record_label} {citation.object_id}): {citation.quote[:80]!r}"
            )
        self.stdout.write(
            f"{len(report.moved)} citations moved, {len(report.not_found)} to re-cite by hand."
        )
