"""Behind no trusted proxy (NUM_PROXIES=0), a forged X-Forwarded-For escapes no limit."""

import pytest
from django.test.utils import override_settings

from tests.caches import clear_caches

pytestmark = pytest.mark.django_db


def test_a_client_cannot_dodge_the_throttle_by_forging_x_forwarded_for(client):
    clear_caches()
    url = "/api/v1/diplomacy/countries/"
    with override_settings(API_ANON_RATE="2/minute"):
        statuses = [
            client.get(url, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(3)
        ]
    clear_caches()
    assert statuses == [200, 200, 429]
