from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.datasets import file_checks
from core.locators import locator_problems
from core.models import CitableModel, Citation, ReviewState, Source
from core.services import published_problems
from core.spans import span_problem


class Command(BaseCommand):
    help = (
        "Check the evidence: every source's text against its content hash, every citation's "
        "quote against its source (or its locator against the dataset's row, where the dataset "
        "can be read here: ISO 3166-1, HS codes), every imported value against its row in the "
        "dataset file kept, and every published record for evidence of each of its facts. "
        "Exits non-zero and names each problem."
    )

    def handle(self, *args, **options):
        problems = []
        sources = self.check_sources(problems)
        citations = self.check_citations(problems)
        records = self.check_records(problems)
        # The rows of dataset files that records cite, re-read (``core.datasets``).
        rows = sum(check(problems) for check in file_checks())
        for line in problems:
            self.stderr.write(line)
        summary = (
            f"{sources} sources, {citations} citations and {records} published records checked"
        )
        if rows:
            summary += f"; {rows} citations checked against their dataset files"
        if problems:
            noun = "problem" if len(problems) == 1 else "problems"
            raise CommandError(f"{len(problems)} {noun}; {summary}.")
        if not (sources or citations or records):
            self.stdout.write(f"Nothing to check: {summary}.")
            return
        self.stdout.write(self.style.SUCCESS(f"No problems: {summary}."))

    def check_sources(self, problems) -> int:
        count = 0
        for source in Source.objects.only("pk", "text", "content_hash", "kind", "title").iterator():
            count += 1
            if source.content_hash != Source.compute_hash(source.text):
                problems.append(
                    f"source {source.pk}: its text no longer matches its content hash "
                    f"{source.content_hash[:12]}…: the cited text was changed."
                )
        return count

    def check_citations(self, problems) -> int:
        count = 0
        queryset = Citation.objects.select_related("source", "content_type")
        for citation in queryset.iterator(chunk_size=2000):
            count += 1
            stored = (citation.start, citation.end)
            try:
                citation.check_evidence()
                if stored != (citation.start, citation.end):
                    raise ValidationError("The stored span does not match the quote.")
                if citation.quote and (cut := span_problem(citation.source.text, *stored)):
                    raise ValidationError(cut)
                if rows := locator_problems(citation):
                    raise ValidationError(rows)
            except ValidationError as exc:
                problems.append(
                    f"citation {citation.pk} ({citation.record_label} {citation.object_id}, "
                    f"source {citation.source_id}, span {stored}, locator "
                    f"{citation.locator!r}): {' '.join(exc.messages)}"
                )
        return count

    def check_records(self, problems) -> int:
        count = 0
        for model in apps.get_models():
            if not issubclass(model, CitableModel):
                continue
            published = model._default_manager.filter(review_state=ReviewState.PUBLISHED)
            for record in published.prefetch_related("citations__source").iterator(chunk_size=500):
                count += 1
                citations = list(record.citations.all())
                for problem in published_problems(record, citations=citations):
                    problems.append(f"{model._meta.label} {record.public_id}: {problem}")
        return count
