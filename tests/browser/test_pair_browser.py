"""The RU–AF pair page reads at a glance: one line per record, evidence folded beneath it.

The page's height is measured in Chromium at the workbench tests' viewport (1280 x 1000):
for the seed's 14 records it was 4,751 px of repeated quote blocks before the timeline folded
them (the consumer review saw about 8,900 px for 19 records after curators' additions).
"""

import pytest
from playwright.sync_api import expect

from core.loading import load_dataset
from tests.browser import browser
from tests.browser.browser import chromium_page
from tests.conftest import SEED
from trade import pairs

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

#: The folded page's budget: a screen and a half for the seed's records.
MAX_HEIGHT_PX = 1500


def test_the_seed_pair_page_fits_a_screen_and_a_half(live_server):
    load_dataset(SEED)
    records = len(pairs.pair("RU", "AF", None).items)
    expect.set_options(timeout=browser.TIMEOUT_MS)

    with chromium_page() as page:
        page.goto(f"{live_server.url}/evidence/pairs/RU-AF/")
        folded = page.evaluate("document.documentElement.scrollHeight")
        lines = page.locator("ol.timeline > li").count()
        browser.screenshot(page, "evidence_pair_ru_af_folded")
        # Unfolding one record shows its quotes, in place.
        first = page.locator("ol.timeline > li details").first
        first.locator("summary").click()
        expect(first.locator("figure.quote").first).to_be_visible()
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        unfolded = page.evaluate("document.documentElement.scrollHeight")

    print(f"RU-AF pair page: {lines} records, {folded} px folded, {unfolded} px unfolded")
    assert lines == records == 14
    assert folded <= MAX_HEIGHT_PX, folded
    assert unfolded > folded
