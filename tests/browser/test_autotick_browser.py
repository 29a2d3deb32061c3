"""The auto-tick in a real browser: selecting words ticks only the fields they state.

The rules are ``core.autotick``'s (tested in ``tests/core/test_rules_workflow.py``); this
checks that ``cite.js`` sends the form's values, and ticks what the server answers, no more.
"""

import pytest
from playwright.sync_api import expect

from tests.browser import browser
from tests.browser.browser import chromium_page, log_in
from tests.browser.test_workbench_browser import (  # noqa: F401  (the fixture)
    PASSWORD,
    TITLE,
    USERNAME,
    pick,
    seeded,
)

# As test_workbench_browser's, but the words may lie in any of the panel's text nodes (a
# previous selection splits the text around its highlight).
SELECT_WORDS = """([quote]) => {
    const box = document.querySelector('.cite-panel .cite-text');
    const at = box.textContent.indexOf(quote);
    const point = (offset) => {  // the text node and offset at a character of the box
        const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
        let node = walker.nextNode();
        while (offset > node.textContent.length) {
            offset -= node.textContent.length;
            node = walker.nextNode();
        }
        return [node, offset];
    };
    const range = document.createRange();
    range.setStart(...point(at));
    range.setEnd(...point(at + quote.length));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    box.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
}"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def supports(page) -> dict[str, bool]:
    boxes = page.locator("input[name$='-0-supports']")
    return {
        boxes.nth(i).get_attribute("value"): boxes.nth(i).is_checked() for i in range(boxes.count())
    }


def test_selected_words_tick_only_what_they_state(live_server, seeded):  # noqa: F811
    expect.set_options(timeout=browser.TIMEOUT_MS)
    errors = []
    with chromium_page() as page:
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        log_in(page, live_server.url, USERNAME, PASSWORD)
        page.goto(f"{live_server.url}/admin/trade/shipment/add/")
        pick(page, "exporter", "Kazakh", "Kazakhstan")
        pick(page, "importer", "Afghan", "Afghanistan")
        pick(page, "commodity", "wheat", "Wheat")
        page.fill("#id_quantity", "12000")
        page.select_option("#id_unit", "t")
        pick(page, "-0-source", "Kazakh wheat", TITLE)
        expect(page.locator(".cite-panel .cite-text")).to_contain_text("ALMATY")

        # Kazakhstan mentioned, not in an exporter's position: nothing is ticked.
        page.evaluate(SELECT_WORDS, ["ALMATY, 2 June. Kazakhstan"])
        expect(page.locator(".cite-status")).to_contain_text("nothing ticked yet")
        assert not any(supports(page).values())

        # The exporter in its position, the number and the unit; not the importer.
        page.evaluate(SELECT_WORDS, ["Kazakhstan shipped 12,000 tonnes"])
        expect(page.locator(".cite-status")).to_contain_text("Supports: exporter, quantity, unit")
        ticked = {name for name, checked in supports(page).items() if checked}
        assert ticked == {"exporter", "quantity", "unit"}
        browser.screenshot(page, "autotick")
    assert not errors, errors
