"""``manage.py evaluate_ingest``: the extraction assistant measured on its gold set.

Runs ``ingest.extract`` on the seed article (gold: its published records and citations,
``ingest.seedgold``) and on the articles of ``tests/ingest/articles/`` (gold: the
``.gold.json`` beside each text, written by hand), and prints precision and recall per kind
and overall, for each group, as tables. How a proposal matches a gold item is defined in
``ingest.evaluation``: same kind, overlapping span (and an exact one), same value.

``--gazetteer offline`` (the default) knows no record of the database, only ISO 3166-1 and
the curated tables: what the rules find in a text nobody has curated. ``--gazetteer
database`` also matches the published records' names, as the API does. ``--fail-under``
exits non-zero when a group's overall precision or recall is below it. ``-v 2`` lists the
misses and the extra proposals.
"""

from django.core.management.base import BaseCommand, CommandError

from ingest.evaluation import Result, evaluate, load_articles, table
from ingest.extract import extract
from ingest.gazetteer import Gazetteer
from ingest.seedgold import seed_gold


class Command(BaseCommand):
    help = "Precision and recall of the extraction assistant on the gold set, per kind."

    def add_arguments(self, parser):
        parser.add_argument("--gazetteer", choices=("offline", "database"), default="offline")
        parser.add_argument("--articles", nargs="*", help="Only these articles (names).")
        parser.add_argument("--fail-under", type=float, default=None)

    def handle(self, *args, gazetteer, articles, fail_under, verbosity, **options):
        gaz = Gazetteer.offline() if gazetteer == "offline" else Gazetteer.from_database()
        groups = [
            ("seed article", [seed_gold()]),
            ("written articles", load_articles(names=articles)),
        ]
        failed = []
        for title, texts in groups:
            result = Result()
            for gold in texts:
                extraction = extract(gold.text, gold.published, "en", gaz)
                evaluate(gold, extraction.proposals, extraction.text, result)
            names = ", ".join(g.name for g in texts)
            self.stdout.write(table(f"{title} ({names}; gazetteer: {gazetteer})", result))
            if verbosity > 1:
                self.stdout.write("missed:\n  " + "\n  ".join(result.misses))
                self.stdout.write("extra:\n  " + "\n  ".join(result.extras))
            self.stdout.write("")
            overall = result.overall
            if fail_under is not None and min(overall.precision, overall.recall) < fail_under:
                failed.append(title)
        if failed:
            raise CommandError(f"Below {fail_under}: {', '.join(failed)}.")
