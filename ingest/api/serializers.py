"""The request and the response of ``POST /api/v1/ingest/proposals/``."""

from rest_framework import serializers

from config.api.serializers import KnownFieldsOnly, StrictCharField
from ingest.extract import LANGUAGES, MAX_TEXT_CHARS
from ingest.proposals import KINDS


class ProposalTextSerializer(KnownFieldsOnly, serializers.Serializer):
    """A text to read, with its publication date (which relative dates are read against)."""

    text = StrictCharField(
        max_length=MAX_TEXT_CHARS,
        trim_whitespace=False,
        help_text=f"The source's text, as pasted (at most {MAX_TEXT_CHARS:,} characters). It is "
        "normalized as a source stores it (LF line ends, Unicode NFC) before it is read.",
    )
    published = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The source's publication date, YYYY-MM-DD: “last month”, “on Wednesday” are "
        "resolved against it. Without it, relative dates are proposed as notes.",
    )
    language = serializers.ChoiceField(
        choices=[(code, code) for code in LANGUAGES],
        default="en",
        help_text="The text's language (ISO 639-1). Only English is read so far.",
    )

    def validate_text(self, value):
        if not value.strip():
            raise serializers.ValidationError("The text is empty.")
        return value


class ProposalSerializer(serializers.Serializer):
    """One proposed record or value, at its exact span in the returned text."""

    key = serializers.CharField(
        help_text="`kind:start:end`: stable within one text; what a curator's accept or "
        "reject is remembered by."
    )
    kind = serializers.ChoiceField(choices=[(k, k) for k in KINDS])
    value = serializers.JSONField(
        help_text="What would be written, by kind: a country `{iso2, name, via}`; an official "
        "`{name, surname}`; a position `{name, title, country, posted_to, holder}`; an "
        "organization `{name, kind, country}`; a commodity `{slug, name, hs_code, "
        "hs_inferred, sector}`; a quantity `{amount, unit, qualifier, strict, per, commodity, "
        "exporter, importer}`; a value `{amount, currency, qualifier, …}`; a date `{date, "
        "precision, earliest, latest, note, relative}` (a vague date: empty `date`, precision "
        "`unknown` and the words as `note`); a statement `{speaker, speaker_kind, "
        "speaker_match, mode, quote, summary}`; a decision `{stage, decision_type, hedge, "
        "countries}`; a designation `{organization, organization_match, jurisdiction, kind, "
        "status, list_name}`. Named records also list every `mentions` span `[start, end]`."
    )
    quote = serializers.CharField(help_text="Exactly `text[start:end]`.")
    start = serializers.IntegerField(help_text="Offset of the quote's first character in `text`.")
    end = serializers.IntegerField(help_text="Offset just past the quote's last character.")
    score = serializers.FloatField(help_text="How sure the rule that made it is, 0–1.")
    extractor = serializers.CharField()
    extractor_version = serializers.CharField()
    match = serializers.CharField(
        allow_null=True,
        help_text="The public id of the published record it names (ISO alpha-2 for a country, "
        "the slug of a named record), or null.",
    )
    new = serializers.BooleanField(
        help_text="A record kind that matches no published record: creating it makes a new one."
    )
    inferred = serializers.BooleanField(
        help_text="A reading the words only imply: a capital for its country, an HS heading "
        "from a commodity's word, a relative date."
    )
    related = serializers.ListField(
        child=serializers.CharField(),
        help_text="Keys of the proposals this one is built from (a quantity's commodity, a "
        "post's holder).",
    )


class ProposalsResponseSerializer(serializers.Serializer):
    """The normalized text and what the assistant proposes in it, in the text's order."""

    text = serializers.CharField(help_text="The text as a source stores it: spans refer to it.")
    published = serializers.DateField(allow_null=True)
    language = serializers.CharField()
    proposals = ProposalSerializer(many=True)
