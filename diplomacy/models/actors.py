"""Who acts: countries, organizations, officials, and the posts they hold."""

import uuid

from django.db import models

from core.collation import NameOrderedModel, name_sort_index
from core.models import (
    CitableModel,
    FuzzyDatesMixin,
    NamedManager,
    NamedModel,
    PublicModel,
    ValidTime,
    aliases_field,
    date_order_constraint,
    fuzzy_date,
)

# Deterministic UUIDs for reference data, so a country has the same id in every database.
REFERENCE_NAMESPACE = uuid.UUID("8d3b3c1e-6a0f-4c55-9a57-2f6c1f3f4a10")


class CountryManager(NamedManager):
    def get_by_natural_key(self, iso2):
        return self.get(iso2=iso2)


class Country(NameOrderedModel, CitableModel):
    """A country of ISO 3166-1. Its alpha-2 code is its public id; lists sort by its name
    (``core.collation``)."""

    factual_fields = ("iso3", "numeric", "name")

    iso2 = models.CharField("ISO alpha-2", max_length=2, unique=True)
    iso3 = models.CharField("ISO alpha-3", max_length=3, unique=True)
    numeric = models.CharField("ISO numeric", max_length=3, blank=True)
    name = models.CharField(max_length=200, db_index=True)
    official_name = models.CharField(max_length=300, blank=True)
    # Other names sources use ("Russia" for the Russian Federation): reference countries get
    # the names diplomacy.reference knows for certain; curators add the rest.
    aliases = aliases_field()

    objects = CountryManager()
    search_fields = ("iso2", "iso3", "name", "official_name", "aliases")
    public_id_field = "iso2"
    #: The API's schema states it (config.api.filters.public_id_schema); the constraint holds it.
    public_id_schema = {"pattern": "^[A-Z]{2}$"}
    label_field = "name"

    class Meta(PublicModel.Meta):
        verbose_name_plural = "countries"
        ordering = ["iso2"]
        indexes = [name_sort_index("iso2")]
        constraints = [
            *PublicModel.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(iso2__regex=r"^[A-Z]{2}$") & models.Q(iso3__regex=r"^[A-Z]{3}$"),
                name="diplomacy_country_iso_codes_format",
                violation_error_message="ISO codes are two and three capital letters.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def public_id(self):
        return self.iso2

    def natural_key(self):
        return (self.iso2,)

    @staticmethod
    def uuid_for(iso2: str) -> uuid.UUID:
        return uuid.uuid5(REFERENCE_NAMESPACE, f"country:{iso2}")


class OrganizationKind(models.TextChoices):
    GOVERNMENT = "government", "Government"
    MINISTRY = "ministry", "Ministry or agency"
    EMBASSY = "embassy", "Embassy or mission"
    MOVEMENT = "movement", "Movement or party"
    DE_FACTO_AUTHORITY = "de_facto_authority", "De facto authority"
    INTERNATIONAL_BODY = "international_body", "International body"
    COMPANY = "company", "Company"
    OTHER = "other", "Other"


class Organization(CitableModel, NamedModel):
    """A ministry, embassy, movement, de facto authority or international body."""

    factual_fields = ("country", "parent")

    kind = models.CharField(max_length=24, choices=OrganizationKind.choices, db_index=True)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="organizations"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_original = models.CharField(
        "name in original script",
        max_length=300,
        blank=True,
        help_text="Only where a source gives it.",
    )
    aliases = aliases_field()
    identifiers = models.JSONField(
        default=dict,
        blank=True,
        help_text='Ids in other registries, only where certain, e.g. {"wikidata": "Q…"}.',
    )

    objects = NamedManager()
    search_fields = ("name", "name_original", "aliases", "slug")

    class Meta(NamedModel.Meta):
        constraints = [
            *NamedModel.Meta.constraints,
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")),
                name="diplomacy_organization_not_own_parent",
                violation_error_message="An organization cannot be its own parent.",
            ),
        ]


class Official(CitableModel, NamedModel):
    """A person who acts for a state or organization."""

    name_original = models.CharField(
        "name in original script",
        max_length=300,
        blank=True,
        help_text="Only where a source gives it.",
    )
    aliases = aliases_field()
    identifiers = models.JSONField(
        default=dict,
        blank=True,
        help_text='Ids in other registries, only where certain, e.g. {"wikidata": "Q…"}.',
    )

    objects = NamedManager()
    search_fields = ("name", "name_original", "aliases", "slug")

    class Meta(NamedModel.Meta):
        pass


class Position(CitableModel, NamedModel):
    """A post (Popolo's Post): an office that officials hold in turn, through tenures."""

    factual_fields = ("organization", "country", "posted_to")

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="positions"
    )
    country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
        help_text="The state the post serves.",
    )
    posted_to = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts_accredited",
        help_text="The country the post is for (ambassadors, special representatives).",
    )

    objects = NamedManager()
    search_fields = ("name", "slug")

    class Meta(NamedModel.Meta):
        pass


class Tenure(FuzzyDatesMixin, CitableModel):
    """Who held a post, from when to when (Popolo's Membership, FollowTheMoney's Occupancy).

    A tenure known only from one source is dated by ``as_of``: the holder held the post at
    that date, which may itself be unknown (then ``as_of_note`` says so).
    """

    factual_fields = ("position", "official", "start", "end", "as_of")

    fuzzy_dates = ("start", "end", "as_of")
    search_fields = ("start_note", "end_note", "as_of_note")
    #: Valid time: held from ``start`` to ``end`` (an empty end: still held).
    valid_time = ValidTime(begins="start", ends="end")

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="tenures")
    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="tenures")
    start, start_precision, start_earliest, start_latest, start_note = fuzzy_date("start")
    end, end_precision, end_earliest, end_latest, end_note = fuzzy_date("end")
    as_of, as_of_precision, as_of_earliest, as_of_latest, as_of_note = fuzzy_date("as of")

    class Meta(PublicModel.Meta):
        ordering = ["id"]
        constraints = [
            *PublicModel.Meta.constraints,
            date_order_constraint("diplomacy_tenure", "start", "end"),
        ]

    def __str__(self):
        return f"{self.official} — {self.position}"
