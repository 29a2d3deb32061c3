import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests import factories as f
from trade.models import Commodity, Shipment

pytestmark = pytest.mark.django_db


def messages(exc_info) -> str:
    return " ".join(exc_info.value.messages)


def test_negative_quantity_is_refused():
    s = Shipment(
        exporter=f.country(),
        importer=f.country(),
        commodity=f.commodity(),
        kind="aggregate",
        status="reported",
        quantity=-5,
        unit="t",
    )
    with pytest.raises(ValidationError) as exc:
        s.full_clean()
    assert "A quantity cannot be negative." in messages(exc)
    with pytest.raises(IntegrityError), transaction.atomic():
        s.save()
    assert Shipment.objects.count() == 0


def test_quantity_needs_a_unit_and_value_a_currency():
    s = Shipment(
        exporter=f.country(),
        importer=f.country(),
        commodity=f.commodity(),
        kind="aggregate",
        status="reported",
        quantity=5,
        value=10,
    )
    with pytest.raises(ValidationError) as exc:
        s.full_clean()
    assert "A quantity needs its unit." in messages(exc)
    assert "A value needs its currency" in messages(exc)


def test_exporter_and_importer_differ():
    ru = f.country("RU")
    s = Shipment(
        exporter=ru, importer=ru, commodity=f.commodity(), kind="aggregate", status="reported"
    )
    with pytest.raises(ValidationError) as exc:
        s.full_clean()
    assert "Exporter and importer must differ." in messages(exc)


@pytest.mark.parametrize("code", ["27.10", "271", "wheat", "27101"])
def test_bad_hs_code_is_refused(code):
    c = Commodity(slug="x", name="X", sector="food", hs_code=code)
    with pytest.raises(ValidationError) as exc:
        c.full_clean()
    assert "An HS code is 2, 4, 6, 8 or 10 digits" in messages(exc)
    with pytest.raises(IntegrityError), transaction.atomic():
        c.save()


@pytest.mark.parametrize("code", ["", "10", "1001", "271019", "27101971", "2710197100"])
def test_good_hs_codes_pass(code):
    Commodity(slug="x", name="X", sector="food", hs_code=code).full_clean()


def test_shipment_without_numbers_is_honest():
    s = f.shipment()
    assert (s.quantity, s.value, s.period_earliest) == (None, None, None)
