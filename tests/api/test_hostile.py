"""Hostile input, table-driven: every case is a problem-details 4xx or a complete answer.

Each row is (name, method, path, options, expected statuses). The request is made as a
client would send it, over the seed dataset, with exceptions turned into responses as the
server does; no row may answer 500, and a streamed 200 must be read to its end.
Run on SQLite and on PostgreSQL (DATABASE_URL).
"""

import base64
import json

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from knox.models import AuthToken

from config.api.parsers import DEFAULT_MAX_BODY_BYTES
from config.api.views import MAX_Q_WORDS

pytestmark = pytest.mark.django_db

SHIPMENTS = "/api/v1/trade/shipments/"
COMMODITIES = "/api/v1/trade/commodities/"
OFFICIALS = "/api/v1/diplomacy/officials/"
CHANGES = "/api/v1/changes/"
STAGES = "/api/v1/diplomacy/decision-stages/"
RELEASES = "/api/v1/releases/"
PAIR = "/api/v1/pairs/RU-AF/"
UUID = "d1029b1c-a139-54e0-b414-5de70a7cb453"
PROBLEM = "application/problem+json"
IF_MATCH_OTHER = {"HTTP_IF_MATCH": '"another-version"'}
LONG_AGO = {"HTTP_IF_UNMODIFIED_SINCE": "Sat, 01 Jan 2000 00:00:00 GMT"}


def cursor(value) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def nested(depth: int) -> str:
    return '{"name":' + "[" * depth + "]" * depth + "}"


# name, method, path, options (accept, body, auth, headers), expected statuses
CASES = [
    # Content negotiation without ?format=
    ("accept csv on a list", "GET", SHIPMENTS, {"accept": "text/csv"}, {200}),
    ("accept ndjson on a list", "GET", SHIPMENTS, {"accept": "application/x-ndjson"}, {200}),
    ("accept csv on a detail", "GET", COMMODITIES + "wheat/", {"accept": "text/csv"}, {406}),
    (
        "accept ndjson on a detail",
        "GET",
        COMMODITIES + "wheat/",
        {"accept": "application/x-ndjson"},
        {406},
    ),
    ("accept csv on the root", "GET", "/api/v1/", {"accept": "text/csv"}, {406}),
    ("accept ndjson on the root", "GET", "/api/v1/", {"accept": "application/x-ndjson"}, {406}),
    ("accept xml", "GET", SHIPMENTS, {"accept": "application/xml"}, {406}),
    ("accept csv on the changes", "GET", CHANGES, {"accept": "text/csv"}, {200}),
    ("format csv on a detail", "GET", COMMODITIES + "wheat/?format=csv", {}, {400}),
    ("format xml", "GET", SHIPMENTS + "?format=xml", {}, {400}),
    # q
    ("q on the change feed", "GET", CHANGES + "?q=anything", {}, {400}),
    ("q with NUL", "GET", SHIPMENTS + "?q=wh%00eat", {}, {400}),
    ("q of 1500 words", "GET", SHIPMENTS + "?q=" + "+".join(["w"] * 1500), {}, {400}),
    (
        "q one word too many",
        "GET",
        SHIPMENTS + "?q=" + "+".join(["w"] * (MAX_Q_WORDS + 1)),
        {},
        {400},
    ),
    ("q at the word limit", "GET", SHIPMENTS + "?q=" + "+".join(["w"] * MAX_Q_WORDS), {}, {200}),
    ("q of 5000 characters", "GET", SHIPMENTS + "?q=" + "w" * 5000, {}, {400}),
    ("q unbalanced quote", "GET", SHIPMENTS + '?q="wheat', {}, {200}),
    ("q operators only", "GET", SHIPMENTS + "?q=-+or+%22%22", {}, {200}),
    # cursors
    ("cursor [null]", "GET", SHIPMENTS + "?cursor=" + cursor({"v": [None]}), {}, {400}),
    (
        "cursor ints ordered by updated",
        "GET",
        SHIPMENTS + "?ordering=updated&cursor=" + cursor({"v": [1, 2]}),
        {},
        {400},
    ),
    ("cursor string on changes", "GET", CHANGES + "?cursor=" + cursor({"v": ["abc"]}), {}, {400}),
    (
        "cursor huge int on changes",
        "GET",
        CHANGES + "?cursor=" + cursor({"v": [10**30]}),
        {},
        {400},
    ),
    ("cursor float on changes", "GET", CHANGES + "?cursor=" + cursor({"v": [1.5]}), {}, {200, 400}),
    ("cursor bool on changes", "GET", CHANGES + "?cursor=" + cursor({"v": [True]}), {}, {400}),
    ("cursor nested list", "GET", SHIPMENTS + "?cursor=" + cursor({"v": [[1]]}), {}, {400}),
    ("cursor object", "GET", SHIPMENTS + "?cursor=" + cursor({"v": {"a": 1}}), {}, {400}),
    ("cursor not json", "GET", SHIPMENTS + "?cursor=" + cursor(b"\xff\xfe"), {}, {400}),
    ("cursor not base64", "GET", SHIPMENTS + "?cursor=%%%", {}, {400}),
    ("cursor a json list", "GET", SHIPMENTS + "?cursor=" + cursor([1]), {}, {400}),
    ("cursor too long", "GET", SHIPMENTS + "?cursor=" + cursor({"v": [UUID, UUID]}), {}, {400}),
    (
        "cursor naive date",
        "GET",
        SHIPMENTS + "?ordering=updated&cursor=" + cursor({"v": ["2025-01-01T00:00:00", UUID]}),
        {},
        {400},
    ),
    (
        "cursor year zero",
        "GET",
        SHIPMENTS + "?ordering=updated&cursor=" + cursor({"v": ["0000-01-01T00:00:00Z", UUID]}),
        {},
        {400},
    ),
    ("cursor NUL slug", "GET", COMMODITIES + "?cursor=" + cursor({"v": ["a\x00b"]}), {}, {400}),
    ("cursor valid uuid", "GET", SHIPMENTS + "?cursor=" + cursor({"v": [UUID]}), {}, {200}),
    # cursors of the nullable orderings (period, quantity, value): NULL only where it may be
    *[
        (f"cursor {name} {what}", "GET", f"{SHIPMENTS}?ordering={name}&cursor={cursor(c)}", {}, s)
        for name in ("period", "-period", "quantity", "-quantity", "value", "-value")
        for what, c, s in (
            ("null", {"v": [None, UUID]}, {200}),
            ("null going back", {"v": [None, UUID], "b": 1}, {200}),
            ("null tiebreak", {"v": [None, None]}, {400}),
            ("one value", {"v": [None]}, {400}),
            ("bool", {"v": [True, UUID]}, {400}),
            ("words", {"v": ["wheat", UUID]}, {400}),
            ("list", {"v": [[1], UUID]}, {400}),
        )
    ],
    *[
        (f"cursor value {what}", "GET", f"{SHIPMENTS}?ordering=-value&cursor={cursor(c)}", {}, s)
        for what, c, s in (
            ("NaN", {"v": ["NaN", UUID]}, {400}),
            ("Infinity", {"v": ["-Infinity", UUID]}, {400}),
            ("huge exponent", {"v": ["1e999999", UUID]}, {400}),
            ("huge float", {"v": [1e308, UUID]}, {400}),
            ("too many decimals", {"v": ["1.001", UUID]}, {400}),
            ("a number", {"v": [12.5, UUID]}, {200}),
            ("a string", {"v": ["100.00", UUID]}, {200}),
        )
    ],
    *[
        (f"cursor period {what}", "GET", f"{SHIPMENTS}?ordering=period&cursor={cursor(c)}", {}, s)
        for what, c, s in (
            ("a year", {"v": ["2025", UUID]}, {400}),
            ("not a day", {"v": ["2025-02-30", UUID]}, {400}),
            ("year zero", {"v": ["0000-01-01", UUID]}, {400}),
            ("a datetime", {"v": ["2025-01-01T00:00:00Z", UUID]}, {200, 400}),
            ("a day", {"v": ["2025-01-01", UUID]}, {200}),
        )
    ],
    (
        "cursor quantity huge int",
        "GET",
        SHIPMENTS + "?ordering=quantity&cursor=" + cursor({"v": [10**30, UUID]}),
        {},
        {400},
    ),
    ("ordering by two nullable fields", "GET", SHIPMENTS + "?ordering=-value,period", {}, {200}),
    (
        "cursor of two nullable fields",
        "GET",
        SHIPMENTS + "?ordering=-value,period&cursor=" + cursor({"v": [None, None, UUID]}),
        {},
        {200},
    ),
    ("ordering by the period column", "GET", SHIPMENTS + "?ordering=period_earliest", {}, {400}),
    # ordering, limit, fields, flags
    ("ordering --id", "GET", SHIPMENTS + "?ordering=--id", {}, {400}),
    ("ordering dash", "GET", SHIPMENTS + "?ordering=-", {}, {400}),
    ("ordering commas", "GET", SHIPMENTS + "?ordering=,,", {}, {400}),
    ("ordering with a space", "GET", SHIPMENTS + "?ordering=+id", {}, {400}),
    ("empty filter value", "GET", SHIPMENTS + "?period_earliest__gte=", {}, {400}),
    ("empty fields", "GET", SHIPMENTS + "?fields=", {}, {400}),
    ("empty cursor", "GET", SHIPMENTS + "?cursor=", {}, {200}),
    ("empty q", "GET", SHIPMENTS + "?q=", {}, {200}),
    ("ordering twice", "GET", SHIPMENTS + "?ordering=id,-id", {}, {200}),
    ("ordering unknown", "GET", SHIPMENTS + "?ordering=search_document", {}, {400}),
    ("limit huge", "GET", SHIPMENTS + "?limit=99999999999999999999999", {}, {400}),
    ("limit words", "GET", SHIPMENTS + "?limit=ten", {}, {400}),
    ("fields unknown", "GET", SHIPMENTS + "?fields=colour", {}, {400}),
    ("fields not a column", "GET", SHIPMENTS + "?format=csv&fields=evidence_url", {}, {400}),
    # exports take limit and cursor as JSON does (issue 20, finding 3)
    ("export limit 0", "GET", SHIPMENTS + "?format=csv&limit=0", {}, {400}),
    ("export limit huge", "GET", SHIPMENTS + "?format=ndjson&limit=99999999999", {}, {400}),
    ("export cursor garbage", "GET", SHIPMENTS + "?format=csv&cursor=garbage", {}, {400}),
    ("export limit 1", "GET", SHIPMENTS + "?format=ndjson&limit=1", {}, {200}),
    # the citations resource, the Atom feed and the curators' names (findings 3, 8, 9)
    ("citations of no resource", "GET", "/api/v1/citations/?resource=trade.nothing", {}, {400}),
    ("citations supporting no field", "GET", "/api/v1/citations/?supports=colour", {}, {400}),
    ("citations in a stance", "GET", "/api/v1/citations/?stance=neutral", {}, {400}),
    ("citations of no record", "GET", "/api/v1/citations/?record=nothing", {}, {200}),
    ("atom with a bad since", "GET", CHANGES + "?format=atom&since=yesterday", {}, {400}),
    ("atom of a record", "GET", CHANGES + "1/?format=atom", {}, {400}),
    ("changes by username, anonymously", "GET", CHANGES + "?user=curator", {}, {400}),
    ("brief maybe", "GET", SHIPMENTS + "?brief=maybe", {}, {400}),
    ("facet unknown", "GET", SHIPMENTS + "?facet=colour", {}, {400}),
    ("unknown parameter", "GET", SHIPMENTS + "?colour=red", {}, {400}),
    ("NUL in a parameter name", "GET", SHIPMENTS + "?col%00our=red", {}, {400}),
    # filters
    ("NUL in a relation filter", "GET", SHIPMENTS + "?exporter=R%00U", {}, {400}),
    ("NUL in a text filter", "GET", OFFICIALS + "?name__ic=a%00b", {}, {400}),
    ("null in a text filter", "GET", OFFICIALS + "?name__nic=null", {}, {200}),
    ("null in a choice filter", "GET", SHIPMENTS + "?status=null", {}, {200, 400}),
    ("null as a boolean", "GET", SHIPMENTS + "?is_value_estimated=null", {}, {400}),
    ("offset of 18 hours", "GET", STAGES + "?created__lt=0211-07-08T01:32:26-18:48", {}, {200}),
    ("offset before year 1", "GET", STAGES + "?created__lt=0001-01-01T00:00:00%2B05:00", {}, {400}),
    ("since with a far offset", "GET", CHANGES + "?since=2020-01-01T00:00:00%2B20:00", {}, {200}),
    (
        "cursor with a far offset",
        "GET",
        SHIPMENTS
        + "?ordering=updated&cursor="
        + cursor({"v": ["2025-01-01T00:00:00+18:30", UUID]}),
        {},
        {200},
    ),
    ("unknown relation id", "GET", SHIPMENTS + "?exporter=ZZ", {}, {400}),
    ("bad date", "GET", SHIPMENTS + "?period_earliest__gte=2025-13-45", {}, {400}),
    ("year zero date", "GET", SHIPMENTS + "?period_earliest__gte=0000-01-01", {}, {400}),
    ("huge integer", "GET", STAGES + "?sequence=99999999999999999999999", {}, {200, 400}),
    ("negative positive integer", "GET", STAGES + "?sequence__lt=-1", {}, {200, 400}),
    ("bad uuid id", "GET", SHIPMENTS + "?id=not-a-uuid", {}, {400}),
    # exports validate before their first byte
    ("csv with an empty filter", "GET", STAGES + "?format=csv&sequence__lt=-1", {}, {200, 400}),
    (
        "ndjson with an empty filter",
        "GET",
        STAGES + "?format=ndjson&sequence__lt=-1",
        {},
        {200, 400},
    ),
    ("csv of changes by uuid", "GET", CHANGES + f"?format=csv&id={UUID}", {}, {400}),
    ("csv with a forged cursor", "GET", SHIPMENTS + "?format=csv&cursor=xyz", {}, {200, 400}),
    ("csv with fields", "GET", SHIPMENTS + "?format=csv&fields=id,exporter", {}, {200}),
    # paths
    ("NUL in a path id", "GET", COMMODITIES + "wh%00eat/", {}, {404}),
    ("NUL in a uuid path", "GET", SHIPMENTS + "%00/", {}, {404}),
    ("not a uuid", "GET", SHIPMENTS + "wheat/", {}, {404}),
    ("a long path id", "GET", COMMODITIES + "w" * 3000 + "/", {}, {404}),
    ("not a change id", "GET", CHANGES + "abc/", {}, {404}),
    ("a huge change id", "GET", CHANGES + "9" * 40 + "/", {}, {404}),
    ("unknown resource", "GET", "/api/v1/nothing/", {}, {404}),
    # methods a read-only endpoint does not have
    ("POST on the changes", "POST", CHANGES, {}, {405}),
    ("DELETE a change", "DELETE", CHANGES + "1/", {}, {405}),
    ("PUT on a list", "PUT", SHIPMENTS, {}, {405}),
    ("PATCH on a list", "PATCH", COMMODITIES, {"auth": True}, {405}),
    ("POST on a detail", "POST", COMMODITIES + "wheat/", {}, {405}),
    ("POST on the root", "POST", "/api/v1/", {}, {405}),
    ("OPTIONS on the docs", "OPTIONS", "/api/v1/docs/", {}, {200, 405}),
    ("OPTIONS on redoc", "OPTIONS", "/api/v1/redoc/", {}, {200, 405}),
    ("OPTIONS on the schema", "OPTIONS", "/api/v1/schema/", {}, {200, 405}),
    ("POST on the schema", "POST", "/api/v1/schema/", {}, {405}),
    # bodies
    (
        "NUL in a JSON string",
        "POST",
        OFFICIALS,
        {"auth": True, "body": '{"name":"a\\u0000b"}'},
        {400},
    ),
    ("lone surrogate", "POST", OFFICIALS, {"auth": True, "body": '{"name":"\\ud800"}'}, {400}),
    ("nesting bomb", "POST", OFFICIALS, {"auth": True, "body": nested(100_000)}, {400}),
    ("nesting of 40", "POST", OFFICIALS, {"auth": True, "body": nested(40)}, {400}),
    ("not JSON", "POST", OFFICIALS, {"auth": True, "body": "{name"}, {400}),
    (
        "a key given twice",
        "POST",
        OFFICIALS,
        {"auth": True, "body": '{"name":"A","name":"B"}'},
        {400},
    ),
    (
        "format csv with accept json",
        "GET",
        SHIPMENTS + "?format=csv",
        {"accept": "application/json"},
        {200},
    ),
    (
        "format json with accept csv",
        "GET",
        SHIPMENTS + "?format=json",
        {"accept": "text/csv"},
        {200},
    ),
    ("NaN", "POST", OFFICIALS, {"auth": True, "body": '{"name": NaN}'}, {400}),
    ("a JSON list", "POST", OFFICIALS, {"auth": True, "body": "[1, 2]"}, {400}),
    ("a JSON string", "POST", OFFICIALS, {"auth": True, "body": '"x"'}, {400}),
    ("name as a number", "POST", OFFICIALS, {"auth": True, "body": '{"name": 0}'}, {400}),
    (
        "body over 2.5 MB",
        "POST",
        OFFICIALS,
        {"auth": True, "body": '{"name":"' + "x" * DEFAULT_MAX_BODY_BYTES + '"}'},
        {413},
    ),
    (
        "period 0000",
        "POST",
        SHIPMENTS,
        {
            "auth": True,
            "body": '{"exporter":"RU","importer":"AF","commodity":"wheat","period":"0000"}',
        },
        {400},
    ),
    (
        "period 9999-99",
        "POST",
        SHIPMENTS,
        {
            "auth": True,
            "body": '{"exporter":"RU","importer":"AF","commodity":"wheat","period":"9999-99"}',
        },
        {400},
    ),
    (
        "text/plain body",
        "POST",
        OFFICIALS,
        {"auth": True, "body": "x", "type": "text/plain"},
        {415},
    ),
    (
        "PATCH without If-Match",
        "PATCH",
        COMMODITIES + "wheat/",
        {"auth": True, "body": "{}"},
        {428},
    ),
    (
        "PATCH with a garbage If-Match",
        "PATCH",
        COMMODITIES + "wheat/",
        {"auth": True, "body": "{}", "headers": {"HTTP_IF_MATCH": "\x01garbage"}},
        {412},
    ),
    ("bad token", "GET", SHIPMENTS, {"headers": {"HTTP_AUTHORIZATION": "Token \x00"}}, {401}),
    # parsing and preconditions Django answers before the API does
    ("1,001 parameters", "GET", SHIPMENTS + "?" + "&".join(["x"] * 1001), {}, {400}),
    ("1,001 parameters on the root", "GET", "/api/v1/?" + "&".join(["x"] * 1001), {}, {400}),
    ("1,001 parameters on releases", "GET", RELEASES + "?" + "&".join(["x"] * 1001), {}, {400}),
    ("a host not allowed", "GET", SHIPMENTS, {"headers": {"HTTP_HOST": "evil.example"}}, {400}),
    ("If-Match on a read", "GET", COMMODITIES + "wheat/", {"headers": IF_MATCH_OTHER}, {412}),
    ("If-Match on a list", "GET", SHIPMENTS, {"headers": IF_MATCH_OTHER}, {412}),
    ("If-Unmodified-Since 2000", "GET", COMMODITIES + "wheat/", {"headers": LONG_AGO}, {412}),
    ("If-Match on a pair", "GET", PAIR, {"headers": IF_MATCH_OTHER}, {412}),
    # problem+json is the type of errors; an answer is never labelled a problem
    ("accept problem+json on a list", "GET", SHIPMENTS, {"accept": PROBLEM}, {200}),
    ("accept problem+json on a detail", "GET", COMMODITIES + "wheat/", {"accept": PROBLEM}, {200}),
    ("accept problem+json on the root", "GET", "/api/v1/", {"accept": PROBLEM}, {200}),
    ("accept problem+json on a pair", "GET", PAIR, {"accept": PROBLEM}, {200}),
    ("accept problem+json on releases", "GET", RELEASES, {"accept": PROBLEM}, {200}),
    ("accept problem+json on changes", "GET", CHANGES, {"accept": PROBLEM}, {200}),
    ("accept problem+json, a 404", "GET", COMMODITIES + "nothing/", {"accept": PROBLEM}, {404}),
    # views without parameters refuse them, format=csv included (not DRF's 404)
    ("unknown parameter on a pair", "GET", PAIR + "?colour=red", {}, {400}),
    ("format csv on a pair", "GET", PAIR + "?format=csv", {}, {400}),
    ("format csv on the root", "GET", "/api/v1/?format=csv", {}, {400}),
    ("unknown parameter on the root", "GET", "/api/v1/?colour=red", {}, {400}),
    ("format json on a pair", "GET", PAIR + "?format=json", {}, {200}),
    ("format json then csv on a pair", "GET", PAIR + "?format=csv&format=json", {}, {400}),
    # an option given twice is refused: the last value would silently win
    ("format twice", "GET", SHIPMENTS + "?format=csv&format=json", {}, {400}),
    ("fields twice", "GET", SHIPMENTS + "?fields=id&fields=url", {}, {400}),
    ("limit twice", "GET", SHIPMENTS + "?limit=1&limit=2", {}, {400}),
    ("ordering twice as parameters", "GET", SHIPMENTS + "?ordering=id&ordering=-id", {}, {400}),
    ("a filter twice means OR", "GET", SHIPMENTS + "?commodity=wheat&commodity=flour", {}, {200}),
    ("facet twice", "GET", SHIPMENTS + "?facet=commodity&facet=exporter", {}, {200}),
    # bodies name only the representation's fields
    (
        "unknown field",
        "POST",
        OFFICIALS,
        {"auth": True, "body": '{"id":"typo","name":"Typo","aliasses":["T"]}'},
        {400},
    ),
    (
        "unknown field in a citation",
        "POST",
        OFFICIALS,
        {"auth": True, "body": '{"id":"typo","name":"T","citations":[{"source":"x","y":1}]}'},
        {400},
    ),
    (
        "unknown field in a date",
        "POST",
        "/api/v1/diplomacy/statements/",
        {"auth": True, "body": '{"date":{"value":"2025","colour":1}}'},
        {400},
    ),
    (
        "publish with_references yes",
        "POST",
        OFFICIALS + "zamir-kabulov/publish/",
        {"auth": True, "body": '{"with_references":"yes"}'},
        {400},
    ),
    (
        "retract with a number",
        "POST",
        OFFICIALS + "zamir-kabulov/retract/",
        {"auth": True, "body": '{"reason":123}'},
        {400},
    ),
    (
        "retract with an unknown field",
        "POST",
        OFFICIALS + "zamir-kabulov/retract/",
        {"auth": True, "body": '{"reason":"r","colour":"red"}'},
        {400},
    ),
    ("bearer token", "GET", SHIPMENTS, {"headers": {"HTTP_AUTHORIZATION": "Bearer x"}}, {200}),
    # Found by the long Schemathesis run (make fuzz) as a curator
    (
        "a citation's source id is an object",
        "POST",
        OFFICIALS,
        {"auth": True, "body": '{"name":"A","citations":[{"source":{"id":{}},"quote":"x"}]}'},
        {400},
    ),
    (
        "a citation's source id is a list",
        "POST",
        OFFICIALS,
        {"auth": True, "body": '{"name":"A","citations":[{"source":{"id":["x"]},"quote":"x"}]}'},
        {400},
    ),
    ("a slug id outside its pattern", "GET", OFFICIALS + "?id__n=0..0", {}, {400}),
    ("a country id outside its pattern", "GET", "/api/v1/diplomacy/countries/?id=ru", {}, {400}),
]


def request(client, token, method, path, options):
    headers = dict(options.get("headers", {}))
    if "accept" in options:
        headers["HTTP_ACCEPT"] = options["accept"]
    if options.get("auth"):
        headers["HTTP_AUTHORIZATION"] = f"Token {token}"
    body = options.get("body", "").encode()
    content_type = options.get("type", "application/json")
    return client.generic(method, path, body, content_type, **headers)


def failure(response, expected) -> str | None:
    """Why ``response`` is not a right answer, or None."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.status_code not in expected:
        return f"{response.status_code}: {content[:300]!r}"
    if response.status_code >= 400:
        if response["Content-Type"] != "application/problem+json":
            return f"not a problem: {response['Content-Type']}"
        if json.loads(content)["status"] != response.status_code:
            return "the problem's status differs"
    elif response.get("Content-Type", "").startswith("application/problem+json"):
        return "an answer labelled a problem"
    elif response.streaming and content and not content.endswith(b"\n"):
        return "a stream cut short"
    return None


def test_hostile_input_gets_a_problem_or_a_complete_answer(seed):
    """One seed load for the whole table (loading it per case would take minutes)."""
    user = User.objects.create_user("hostile-curator", is_staff=True)
    user.groups.add(Group.objects.get(name="curators"))
    token = AuthToken.objects.create(user)[1]
    client = Client(raise_request_exception=False)
    failures = {}
    for name, method, path, options, expected in CASES:
        reason = failure(request(client, token, method, path, options), expected)
        if reason:
            failures[name] = reason
    assert failures == {}


def test_the_table_covers_many_cases():
    assert len(CASES) >= 80
    assert len({case[0] for case in CASES}) == len(CASES)
