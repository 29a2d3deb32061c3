from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from diplomacy.models import Citation


class Command(BaseCommand):
    help = (
        "Check every citation against its source's text (quote equals text[start:end]). "
        "Exits non-zero and names each broken citation."
    )

    def handle(self, *args, **options):
        broken = []
        checked = 0
        for citation in Citation.objects.select_related("source", "content_type").iterator():
            checked += 1
            stored = (citation.start, citation.end)
            try:
                citation.locate()
                if stored != (None, None) and stored != (citation.start, citation.end):
                    raise ValidationError("The stored span does not match the quote.")
            except ValidationError as exc:
                where = f"{citation.content_type.app_label}.{citation.content_type.model}"
                broken.append(
                    f"citation {citation.pk} ({where} {citation.object_id}, source "
                    f"{citation.source_id}, span {stored}): {' '.join(exc.messages)}"
                )
        for line in broken:
            self.stderr.write(line)
        if broken:
            raise CommandError(f"{len(broken)} of {checked} citations are broken.")
        self.stdout.write(self.style.SUCCESS(f"All {checked} citations match their sources."))
