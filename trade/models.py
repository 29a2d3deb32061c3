"""Goods and their movement. ``trade`` depends on ``diplomacy``, never the reverse."""

from django.core.exceptions import ValidationError
from django.db import models

from core.models import (
    CitableModel,
    FuzzyDatesMixin,
    NamedManager,
    NamedModel,
    PublicModel,
    Qualifier,
    ValidTime,
    aliases_field,
    date_order_constraint,
    fuzzy_date,
)
from core.numbers import Measure
from diplomacy.models import Country, PolicyDecision, Statement


class Sector(models.TextChoices):
    FOOD = "food", "Food and agriculture"
    ENERGY = "energy", "Energy"
    OTHER = "other", "Other"


class Commodity(CitableModel, NamedModel):
    """A traded good, placed in the Harmonized System (HS) where a code applies.

    ``hs_code`` holds digits only (``2710``, ``271019``); ``parent`` builds the hierarchy
    (lubricants and fuel are petroleum products).
    """

    factual_fields = ("hs_code", "parent")

    hs_code = models.CharField(
        "HS code",
        max_length=10,
        blank=True,
        db_index=True,
        help_text="Harmonized System code: 2, 4, 6, 8 or 10 digits, no dots.",
    )
    hs_note = models.CharField(
        "HS note", max_length=500, blank=True, help_text="Why this code, and how sure."
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    sector = models.CharField(max_length=16, choices=Sector.choices, db_index=True)
    # Synonyms as sources write them: petrol and gasoline, cooking gas and LPG.
    aliases = aliases_field()
    statements = models.ManyToManyField(Statement, blank=True, related_name="commodities")
    policy_decisions = models.ManyToManyField(
        PolicyDecision, blank=True, related_name="commodities"
    )

    objects = NamedManager()
    search_fields = ("name", "slug", "aliases", "hs_code", "hs_note")

    class Meta(NamedModel.Meta):
        verbose_name_plural = "commodities"
        constraints = [
            *NamedModel.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(hs_code="")
                | models.Q(hs_code__regex=r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{8}|[0-9]{10})$"),
                name="trade_commodity_hs_code_format",
                violation_error_message="An HS code is 2, 4, 6, 8 or 10 digits, with no dots.",
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")),
                name="trade_commodity_not_own_parent",
                violation_error_message="A commodity cannot be its own parent.",
            ),
        ]

    @property
    def hs_code_display(self) -> str:
        """``271019`` → ``2710.19``, as the nomenclature prints it."""
        code = self.hs_code
        return code if len(code) <= 4 else f"{code[:4]}.{code[4:]}"


class ShipmentKind(models.TextChoices):
    CONSIGNMENT = "consignment", "Consignment"
    AGGREGATE = "aggregate", "Aggregate flow over a period"


class ShipmentStatus(models.TextChoices):
    REPORTED = "reported", "Reported"
    PLANNED = "planned", "Planned"
    DELIVERED = "delivered", "Delivered"


class TransportMode(models.TextChoices):
    ROAD = "road", "Road"
    RAIL = "rail", "Rail"
    SEA = "sea", "Sea"
    AIR = "air", "Air"
    PIPELINE = "pipeline", "Pipeline"
    MULTIMODAL = "multimodal", "Multimodal"


class Unit(models.TextChoices):
    KG = "kg", "Kilograms"
    TONNE = "t", "Tonnes"
    LITRE = "l", "Litres"
    CUBIC_METRE = "m3", "Cubic metres"
    BARREL = "bbl", "Barrels"
    ITEM = "item", "Items"


class ValueBasis(models.TextChoices):
    """How a customs value is measured: imports at the border of the importer, cost,
    insurance and freight included (CIF); exports at the border of the exporter (FOB)."""

    CIF = "cif", "CIF (cost, insurance and freight)"
    FOB = "fob", "FOB (free on board)"


class TradeFlow(models.TextChoices):
    """The flow a reporter declares (UN Comtrade's ``flowCode`` M, X, RM, RX)."""

    IMPORT = "import", "Import"
    EXPORT = "export", "Export"
    RE_IMPORT = "re_import", "Re-import"
    RE_EXPORT = "re_export", "Re-export"


class CommitmentPer(models.TextChoices):
    YEAR = "year", "A year"
    MONTH = "month", "A month"
    TOTAL = "total", "In total"


def validate_transport_modes(value) -> None:
    """A list of distinct transport modes, e.g. ``["rail", "road"]``."""
    allowed = TransportMode.values
    if not isinstance(value, list) or not all(isinstance(mode, str) for mode in value):
        raise ValidationError(f'A list of transport modes, e.g. ["rail", "road"]: {allowed}.')
    unknown = [mode for mode in value if mode not in allowed]
    if unknown:
        raise ValidationError(f"Unknown transport mode {unknown[0]!r}: one of {allowed}.")
    if len(set(value)) < len(value):
        raise ValidationError("Each transport mode appears once.")


class Commitment(FuzzyDatesMixin, CitableModel):
    """An agreed supply: what a supplier country undertakes to deliver to a recipient, and on
    which terms (quantity per year, month or in total, term, price terms, currency, transport).

    The agreed side of a flow: shipments are what was reported, and a shipment may name the
    commitment it delivers. Quantities are as the source states them, with their qualifier
    ("up to two million tons" is 2,000,000 t ``at_most``).
    """

    factual_fields = (
        "decision",
        "supplier",
        "recipient",
        "commodity",
        "quantity",
        "unit",
        "per",
        "start",
        "end",
        "price_terms",
        "currency",
        "transport_modes",
    )
    # The number rule (core.measures) as for shipments: the quote states the quantity, its
    # unit and its qualifier.
    measures = {"quantity": Measure("quantity", "unit", "quantity_qualifier")}
    fuzzy_dates = ("start", "end")
    #: Valid time: an agreement holds from its start to its end (as_of reads it then).
    valid_time = ValidTime(begins="start", ends="end")
    quote_roles = {"supplier": "origin", "recipient": "destination"}
    # The choices of a list field, for the auto-tick (core.autotick): "rail" by its label.
    list_choices = {"transport_modes": TransportMode}
    search_fields = ("title", "price_terms", "note", "start_note", "end_note")
    search_related = ("commodity", "supplier", "recipient")
    # A brief object names it by one column, as a decision by its title (config.api.compiled).
    label_field = "title"

    title = models.CharField(
        max_length=300, help_text="A short name, e.g. “Wheat supply, trial year”."
    )
    decision = models.ForeignKey(
        PolicyDecision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
        help_text="The policy decision that makes the commitment (a supply arrangement).",
    )
    supplier = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="supply_commitments"
    )
    recipient = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="received_commitments"
    )
    commodity = models.ForeignKey(Commodity, on_delete=models.PROTECT, related_name="commitments")
    quantity = models.DecimalField(max_digits=20, decimal_places=3, null=True, blank=True)
    unit = models.CharField(max_length=8, choices=Unit.choices, blank=True)
    quantity_qualifier = models.CharField(
        max_length=16,
        choices=Qualifier.choices,
        default=Qualifier.EXACT,
        help_text="How the quantity stands to the source's number: exact, approximate, or a "
        "bound (at_most for “up to”, at_least for “at least”, “more than”).",
    )
    per = models.CharField(
        max_length=8,
        choices=CommitmentPer.choices,
        blank=True,
        help_text="The period the quantity is for: a year, a month, or the whole term.",
    )
    start, start_precision, start_earliest, start_latest, start_note = fuzzy_date("start")
    end, end_precision, end_earliest, end_latest, end_note = fuzzy_date("end")
    price_terms = models.TextField(
        blank=True, help_text="The price as agreed, in words (e.g. a discount to world prices)."
    )
    currency = models.CharField(
        max_length=3, blank=True, help_text="ISO 4217 code of the payment currency."
    )
    transport_modes = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_transport_modes],
        help_text="How the goods are to travel, as a list of transport modes.",
    )
    note = models.TextField(blank=True)

    class Meta(PublicModel.Meta):
        ordering = ["id"]
        indexes = [
            models.Index(fields=["supplier", "recipient", "review_state", "id"]),
            models.Index(fields=["commodity", "id"]),
            models.Index(fields=["start_earliest", "id"]),
        ]
        constraints = [
            *PublicModel.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(quantity__isnull=True) | models.Q(quantity__gte=0),
                name="trade_commitment_quantity_not_negative",
                violation_error_message="A quantity cannot be negative.",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__isnull=True) | ~models.Q(unit=""),
                name="trade_commitment_quantity_has_unit",
                violation_error_message="A quantity needs its unit.",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__isnull=True) | ~models.Q(per=""),
                name="trade_commitment_quantity_has_period",
                violation_error_message="A quantity needs its period (per year, month or total).",
            ),
            models.CheckConstraint(
                condition=models.Q(currency="") | models.Q(currency__regex=r"^[A-Z]{3}$"),
                name="trade_commitment_currency_format",
                violation_error_message="A currency is an ISO 4217 code, e.g. USD.",
            ),
            models.CheckConstraint(
                condition=~models.Q(supplier=models.F("recipient")),
                name="trade_commitment_supplier_is_not_recipient",
                violation_error_message="Supplier and recipient must differ.",
            ),
            date_order_constraint("trade_commitment", "start", "end"),
        ]

    def __str__(self):
        return self.title


class Shipment(FuzzyDatesMixin, CitableModel):
    """A consignment, or an aggregate flow of one commodity from exporter to importer.

    Maps onto a UN Comtrade record: exporter/importer are reporter and partner of an export
    flow, ``commodity.hs_code`` is the cmdCode, and the estimate flags mirror
    ``isQtyEstimated``/``isAltQtyEstimated``. Quantity, value and period stay empty when the
    source gives none: a cited "wheat flows from Russia" is a shipment with no numbers.
    """

    factual_fields = (
        "exporter",
        "importer",
        "commodity",
        "period",
        "quantity",
        "unit",
        "value",
        "currency",
        "transport_mode",
        "commitment",
        "reporter",
        "flow",
        "value_basis",
    )
    # A qualifier is part of its measure's evidence, not a field of its own to tick: the quote
    # that supports ``quantity`` must state its qualifier ("up to", "about"; core.measures).
    measures = {
        "quantity": Measure("quantity", "unit", "quantity_qualifier"),
        "value": Measure("money", "currency", "value_qualifier"),
    }

    fuzzy_dates = ("period",)
    #: Valid time: a shipment exists from its period on.
    valid_time = ValidTime(begins="period")
    # Where a quote states each country (core.autotick): "from Russia", "to Afghanistan".
    quote_roles = {"exporter": "origin", "importer": "destination"}
    # What selecting words may fill in when empty (core.proposals); a commodity by its name.
    quote_fills = (
        *("exporter", "importer", "commodity", "kind", "period"),
        *("quantity", "value", "status"),
    )
    quote_names = ("commodity",)
    search_fields = ("note", "period_note")
    # q also finds a shipment by its commodity's and countries' names, codes and aliases:
    # matched at query time, so a rename is found at once (core.search.search_across).
    search_related = ("commodity", "exporter", "importer")

    exporter = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="exports")
    importer = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="imports")
    commodity = models.ForeignKey(Commodity, on_delete=models.PROTECT, related_name="shipments")
    kind = models.CharField(max_length=16, choices=ShipmentKind.choices, db_index=True)
    period, period_precision, period_earliest, period_latest, period_note = fuzzy_date("period")
    quantity = models.DecimalField(max_digits=20, decimal_places=3, null=True, blank=True)
    unit = models.CharField(max_length=8, choices=Unit.choices, blank=True)
    quantity_qualifier = models.CharField(
        max_length=16,
        choices=Qualifier.choices,
        default=Qualifier.EXACT,
        help_text="How the quantity stands to the source's number: exact, approximate, or a "
        "bound (at_most for “up to”, at_least for “at least”, “more than”).",
    )
    value = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    currency = models.CharField(
        max_length=3, blank=True, help_text="ISO 4217 code of the value's currency."
    )
    value_qualifier = models.CharField(
        max_length=16,
        choices=Qualifier.choices,
        default=Qualifier.EXACT,
        help_text="How the value stands to the source's amount: exact, approximate, or a bound.",
    )
    transport_mode = models.CharField(
        max_length=16, choices=TransportMode.choices, blank=True, db_index=True
    )
    status = models.CharField(max_length=16, choices=ShipmentStatus.choices, db_index=True)
    is_quantity_estimated = models.BooleanField(default=False)
    is_value_estimated = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    commitment = models.ForeignKey(
        Commitment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shipments",
        help_text="The commitment this shipment delivers, where a source says so.",
    )
    # Official statistics (trade.statistics): who declared the flow, as what, at which border.
    reporter = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_flows",
        help_text="The country whose customs declared this flow (official statistics); "
        "empty for news reports and for reconciled data (BACI).",
    )
    flow = models.CharField(
        max_length=16,
        choices=TradeFlow.choices,
        blank=True,
        help_text="The flow as the reporter declared it (import, export, re-import, "
        "re-export); empty when no reporter declared it.",
    )
    value_basis = models.CharField(
        max_length=8,
        choices=ValueBasis.choices,
        blank=True,
        help_text="How the value is measured: CIF (imports) or FOB (exports); empty when "
        "the source does not say.",
    )

    class Meta(PublicModel.Meta):
        ordering = ["id"]
        # Each relation with the keyset's tiebreak, so a filtered page is read in order from
        # the index (a three-column index made SQLite sort every match instead).
        indexes = [
            models.Index(fields=["exporter", "id"]),
            models.Index(fields=["importer", "id"]),
            models.Index(fields=["commodity", "id"]),
            # The sortable columns (ordering=period, quantity, value), ending in the tiebreak.
            # For the descending orders PostgreSQL has one more index each, NULLs last, which
            # the migration adds (core.indexes: SQLite cannot declare one).
            models.Index(fields=["period_earliest", "id"]),
            models.Index(fields=["quantity", "id"]),
            models.Index(fields=["value", "id"]),
            # The usual pairs (a pair of countries; a reporter and a commodity, as UN Comtrade
            # is asked), with the visibility column: a public count is read from the index
            # alone (2 ms instead of 430 ms for 21,000 of 1M rows) and a page in order.
            models.Index(fields=["exporter", "importer", "review_state", "id"]),
            models.Index(fields=["exporter", "commodity", "review_state", "id"]),
        ]
        constraints = [
            *PublicModel.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(quantity__isnull=True) | models.Q(quantity__gte=0),
                name="trade_shipment_quantity_not_negative",
                violation_error_message="A quantity cannot be negative.",
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=0),
                name="trade_shipment_value_not_negative",
                violation_error_message="A value cannot be negative.",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__isnull=True) | ~models.Q(unit=""),
                name="trade_shipment_quantity_has_unit",
                violation_error_message="A quantity needs its unit.",
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(currency__regex=r"^[A-Z]{3}$"),
                name="trade_shipment_value_has_currency",
                violation_error_message="A value needs its currency (ISO 4217, e.g. USD).",
            ),
            models.CheckConstraint(
                condition=~models.Q(exporter=models.F("importer")),
                name="trade_shipment_exporter_is_not_importer",
                violation_error_message="Exporter and importer must differ.",
            ),
            models.CheckConstraint(
                condition=models.Q(reporter__isnull=True)
                | models.Q(reporter=models.F("exporter"))
                | models.Q(reporter=models.F("importer")),
                name="trade_shipment_reporter_is_a_party",
                violation_error_message="The reporter is the exporter or the importer.",
            ),
        ]

    def __str__(self):
        # "Wheat RU→AF": readable in the admin, its messages and the evidence pages.
        return f"{self.commodity} {self.exporter.iso2}→{self.importer.iso2}"


# The file behind each imported source of official statistics (not a record of the dataset).
from trade.statistics.files import StatisticsFile  # noqa: E402, F401
