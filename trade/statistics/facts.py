"""A shipment's facts as a row of official statistics states them, for comparing the two
(re-imports, superseding editions, ``verify_citations``)."""

from decimal import Decimal

#: The shipment's factual fields that a statistics row gives.
FACT_FIELDS = (
    "exporter",
    "importer",
    "commodity",
    "period",
    "quantity",
    "unit",
    "value",
    "currency",
    "reporter",
    "flow",
    "value_basis",
)
TOTAL = "TOTAL"
TOTAL_SLUG = "hs-total"


def commodity_code(commodity) -> str:
    """The commodity as a statistics row names it: its HS code, or TOTAL for all goods."""
    if commodity.slug == TOTAL_SLUG and not commodity.hs_code:
        return TOTAL
    return commodity.hs_code


def _number(value, places: str):
    return None if value is None else Decimal(value).quantize(Decimal(places))


def shipment_facts(shipment) -> dict:
    """The shipment's values in the row's terms (countries by alpha-2)."""
    return {
        "exporter": shipment.exporter.iso2,
        "importer": shipment.importer.iso2,
        "commodity": commodity_code(shipment.commodity),
        "period": shipment.period,
        "quantity": _number(shipment.quantity, "0.001"),
        "unit": shipment.unit,
        "value": _number(shipment.value, "0.01"),
        "currency": shipment.currency,
        "reporter": shipment.reporter.iso2 if shipment.reporter_id else None,
        "flow": shipment.flow,
        "value_basis": shipment.value_basis,
    }
