"""Texts stored before normalization: LF line ends, Unicode NFC, and their citations' spans.

The frozen-text rule is bypassed only here (queryset updates, not ``save``): the text keeps
its words, and every quote is moved to the same words in the normalized text.
"""

import hashlib

from django.db import migrations

from core.text import is_normalized, moved_span, normalize_text


def _document(source, text):
    return " ".join(part for part in (source.title, source.publisher, text) if part)


def normalize_texts(apps, schema_editor):
    Source = apps.get_model("core", "Source")
    Citation = apps.get_model("core", "Citation")
    for source in Source.objects.exclude(text="").only("pk", "text", "title", "publisher"):
        if is_normalized(source.text):
            continue
        text = normalize_text(source.text)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if Source.objects.filter(content_hash=digest).exclude(pk=source.pk).exists():
            # Another source already holds this text: two copies of one article. Left as
            # it is, for a curator to supersede one by the other.
            print(f"\n  Source {source.pk}: same text as another source once normalized; kept.")
            continue
        for citation in Citation.objects.filter(source_id=source.pk, start__isnull=False):
            start, end, quote = moved_span(source.text, citation.start, citation.end)
            Citation.objects.filter(pk=citation.pk).update(start=start, end=end, quote=quote)
        Source.objects.filter(pk=source.pk).update(
            text=text, content_hash=digest, search_document=_document(source, text)
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0007_corroboration")]

    operations = [migrations.RunPython(normalize_texts, migrations.RunPython.noop)]
