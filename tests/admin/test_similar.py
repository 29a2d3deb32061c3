"""The near-duplicate check: its rule (``core.names``) on a table of name pairs, the endpoint
the change form asks before saving (curators only), and the warning after saving."""

import pytest

from core.names import THRESHOLD, name_key, name_similarity, names_close
from tests import factories as f
from tests.admin.forms import admin_url, form_data, messages_of
from trade.models import Commodity

pytestmark = pytest.mark.django_db

#: Names a curator would want to hear are one person or thing: titles, honorifics, other
#: scripts and transliterations aside, and a short form of a longer name.
SHOULD_MATCH = [
    ("Dmitry Zhirnov", "Dmitri Zhirnov"),
    ("Dmitriy Zhirnov", "Дмитрий Жирнов"),
    ("Mohammad Hassan Akhund", "Muhammad Hasan Akhund"),
    ("Mohammed Hassan", "Muhammad Hasan"),
    ("Mawlawi Hibatullah Akhundzada", "Hibatullah Akhundzada"),
    ("Mawlawi Hibatullah", "Hibatullah Akhundzada"),
    ("Haji Khalil Haqqani", "Khalil Haqqani"),
    ("Mullah Abdul Ghani Baradar", "Abdul Ghani Baradar"),
    ("Sheikh Abdul Hakim Haqqani", "Abdul Hakim Haqani"),
    ("H.E. Ambassador Dmitry Zhirnov", "Dmitry Zhirnov"),
    ("President Vladimir Putin", "Vladimir Putin"),
    ("Владимир Путин", "Vladimir Putin"),
    ("Amir Khan Muttaqi", "Amir Khan Mottaki"),
    ("Sergey Lavrov", "Sergei Lavrov"),
    ("Zamir Kabulov", "Замир Кабулов"),
    ("Mawlavi Abdul Kabir", "Mawlawi Abdul Kabir"),
    ("Dr. Ashraf Ghani", "Ashraf Ghani"),
    ("Ministry of Industry and Commerce", "Ministry of Commerce and Industry"),
    ("Gazprom Neft", "Газпром нефть"),
    ("José Martí", "Jose Marti"),
    ("Khairullah Khairkhwa", "Hairullah Hairkhwa"),
    ("Mrs Maria Zakharova", "Maria Zakharova"),
    ("Alexander Novak", "Aleksandr Novak"),
    ("Mohammad Yaqoob", "Mohammad Yaqub"),
    ("Liquefied petroleum gas", "Liquified petroleum gas"),
    ("Putin", "Vladimir Putin"),
]

#: Different people or things that share a word, a title or a family name.
MUST_NOT_MATCH = [
    ("Vladimir Putin", "Vladimir Norov"),
    ("Sergei Lavrov", "Sergei Shoigu"),
    ("Abdul Ghani Baradar", "Abdul Kabir"),
    ("Ministry of Foreign Affairs", "Ministry of Justice"),
    ("Ministry of Commerce", "Ministry of Energy and Water"),
    ("Ministry of Interior Affairs", "Ministry of Foreign Affairs"),
    ("Wheat", "Flour"),
    ("Gasoline", "Diesel"),
    ("Dmitry Zhirnov", "Dmitry Medvedev"),
    ("Amir Khan Muttaqi", "Sirajuddin Haqqani"),
    ("Mohammad Hassan Akhund", "Mohammad Yaqoob"),
    ("Russian Federation", "Belarus"),
    ("Anas Haqqani", "Khalil Haqqani"),
    ("Lubricants", "Petroleum products"),
    ("Zamir Kabulov", "Zalmay Khalilzad"),
    ("Mullah Abdul Ghani Baradar", "Mullah Mohammad Omar"),
    ("Ministry of Justice", "Ministry of Public Health"),
    ("Maria Zakharova", "Maria Butina"),
    ("Hibatullah Akhundzada", "Mohammad Yaqoob"),
    ("Fuel", "Flour"),
]


@pytest.mark.parametrize(("first", "second"), SHOULD_MATCH)
def test_should_match(first, second):
    assert names_close(first, second), (name_key(first), name_key(second))
    assert names_close(second, first)


@pytest.mark.parametrize(("first", "second"), MUST_NOT_MATCH)
def test_must_not_match(first, second):
    score = name_similarity(first, second)
    assert score < THRESHOLD, (name_key(first), name_key(second), score)


def test_the_table_is_large_enough_and_separated():
    assert len(SHOULD_MATCH) + len(MUST_NOT_MATCH) >= 20
    lowest_match = min(name_similarity(a, b) for a, b in SHOULD_MATCH)
    highest_other = max(name_similarity(a, b) for a, b in MUST_NOT_MATCH)
    assert highest_other < THRESHOLD <= lowest_match


def test_name_key_drops_titles_and_spells_plainly():
    assert name_key("H.E. Ambassador Dmitriy Zhirnov") == name_key("Дмитрий Жирнов")
    assert name_key("Mawlawi Hibatullah Akhundzada") == "hibatulah"
    assert name_key("Haji") == ""  # a title alone is no name
    assert name_similarity("Haji", "Haji Khalil") == 0


# --- Before saving: the endpoint the form asks -------------------------------------------------


@pytest.fixture
def officials():
    return {
        "zhirnov": f.published(f.official(name="Dmitry Zhirnov", aliases=["D. Zhirnov"])),
        "lavrov": f.published(f.official(name="Sergei Lavrov")),
        "draft": f.official(name="Mawlawi Abdul Kabir"),
    }


def similar_url(model) -> str:
    return admin_url(model, "similar")


def test_endpoint_lists_close_records_with_links(officials, curator_client):
    from diplomacy.models import Official

    response = curator_client.get(similar_url(Official), {"name": "Ambassador Дмитрий Жирнов"})
    assert response.status_code == 200
    (found,) = response.json()["similar"]
    zhirnov = officials["zhirnov"]
    assert found["name"] == "Dmitry Zhirnov"
    assert found["url"] == admin_url(zhirnov, "change")
    assert found["review_state"] == "published"
    assert "Dmitry Zhirnov" in found["why"]


def test_endpoint_matches_aliases_and_drafts_and_leaves_out_the_record_itself(
    officials, curator_client
):
    from diplomacy.models import Official

    url = similar_url(Official)
    names = {"name": "Someone Else", "alias": ["Abdul Kabir"]}
    assert [s["name"] for s in curator_client.get(url, names).json()["similar"]] == [
        "Mawlawi Abdul Kabir"
    ]
    draft = officials["draft"]
    mine = {"name": "Mawlawi Abdul Kabir", "exclude": str(draft.pk)}
    assert curator_client.get(url, mine).json()["similar"] == []
    assert curator_client.get(url, {"name": "Vladimir Putin"}).json()["similar"] == []
    assert curator_client.get(url, {"name": ""}).json()["similar"] == []


def test_endpoint_answers_curators_only(officials, outsider_client, client):
    from diplomacy.models import Official

    url = similar_url(Official)
    assert outsider_client.get(url, {"name": "Dmitri Zhirnov"}).status_code == 403
    anonymous = client.get(url, {"name": "Dmitri Zhirnov"})
    assert anonymous.status_code == 302
    assert "/login/" in anonymous["Location"]


def test_the_change_form_carries_the_check(curator_client):
    page = curator_client.get(admin_url(Commodity, "add"))
    html = page.content.decode()
    assert f'data-similar-url="{similar_url(Commodity)}"' in html
    assert "core/similar.js" in html
    assert "<script>" not in html  # no inline script (CSP)


# --- After saving: the warning uses the same rule ------------------------------------------


def test_warning_after_adding_a_record_with_a_close_name(curator_client):
    gasoline = f.published(
        f.commodity(slug="gasoline", name="Gasoline", aliases=["Motor spirit (petrol)"])
    )
    page = curator_client.get(admin_url(Commodity, "add"))
    data = {**form_data(page), "name": "Petrol", "slug": "petrol", "sector": "energy"}
    for empty in ("statements", "policy_decisions"):  # a browser sends nothing for these
        data.pop(empty)
    response = curator_client.post(admin_url(Commodity, "add"), data, follow=True)
    (warning,) = [m for m in messages_of(response) if "Possible duplicate" in m]
    assert admin_url(gasoline, "change") in warning
    assert "“Motor spirit (petrol)” ~ “Petrol”" in warning
