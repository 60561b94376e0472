"""Hostile input (issue 29) is refused on the way in: a 422 that names the field and says the limit, nothing written.

Each cause once: integers past what an id column holds, NUL in text, unpaired surrogates, dates whose arithmetic
would overflow, ids a roster run would choke on later, and lists and strings of any size.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from coop.clock import today_local
from coop.inputs import MAX_ID
from tests.conftest import sign_in

PASSWORD = "cymru-demo"
TOO_BIG = MAX_ID + 1  # 2^31
HUGE = 2**63


@pytest.fixture
def demo(demo_api, demo_session):
    """The demo co-op, signed in as each kind of user, with the ids the requests need."""
    coordinator = sign_in(demo_api, "coordinator@demo.coop", PASSWORD)
    nurse = sign_in(demo_api, "nurse@demo.coop", PASSWORD)
    ward = sign_in(demo_api, "ward@demo.coop", PASSWORD)
    nurse_id = demo_api.get("/api/me", headers=nurse).json()["member_id"]
    ward_id = demo_api.get("/api/me", headers=ward).json()["client_id"]
    open_shift = demo_api.get("/api/shifts?status=open&limit=1", headers=coordinator).json()["data"][0]["id"]
    booking = next(b for b in demo_api.get("/api/me/shifts", headers=nurse).json())
    timesheet = demo_api.get("/api/timesheets?limit=1", headers=coordinator).json()[0]["id"]
    return dict(
        coordinator=coordinator,
        nurse=nurse,
        ward=ward,
        nurse_id=nurse_id,
        ward_id=ward_id,
        shift_id=open_shift,
        booking_id=booking["id"],
        timesheet_id=timesheet,
    )


def rows(session) -> dict[str, int]:
    """How many rows every table holds: equal before and after means nothing was written."""
    counts = {t.name: session.execute(select(func.count()).select_from(t)).scalar_one() for t in _tables()}
    session.commit()  # end the read, so the next count sees what the API wrote since
    return counts


def _tables():
    return [t for t in SQLModel.metadata.sorted_tables if t.name != "alembic_version"]


def refused(response, field: str, *words: str) -> None:
    """A 422 whose errors name `field` and whose detail says each of `words` (the limit)."""
    assert response.status_code == 422, (response.status_code, response.text[:500])
    body = response.json()
    fields = [e["field"] for e in body["errors"]]
    assert field in fields, (field, body)
    for word in words:
        assert word in body["detail"], (word, body["detail"])


def send(demo_api, method: str, url: str, headers: dict, body):
    """JSON escaped to ASCII, as a hostile client would send it: "\\ud800" cannot be sent as UTF-8 at all."""
    if body is None:
        return demo_api.request(method, url, headers=headers)
    content = json.dumps(body, ensure_ascii=True)
    return demo_api.request(method, url, headers={**headers, "Content-Type": "application/json"}, content=content)


def check_all(demo_api, requests) -> None:
    """Send every (method, url, headers, json, field, words) and report all that were not refused properly."""
    failures = []
    for method, url, headers, body, field, words in requests:
        response = send(demo_api, method, url, headers, body)
        try:
            refused(response, field, *words)
        except AssertionError as error:
            failures.append(f"{method} {url[:80]} {str(body)[:80]}: {error}")
    assert not failures, "\n".join(failures)


def test_ids_and_counts_past_what_the_columns_hold_are_422_naming_the_field(demo_api, demo_session, demo):
    c, n = demo["coordinator"], demo["nurse"]
    limit, own = str(MAX_ID), f"/api/members/{demo['nurse_id']}"
    paths = [
        f"/api/members/{TOO_BIG}",
        "/api/bookings/9141550480099029662302208",
        f"/api/clients/{TOO_BIG}",
        f"/api/shifts/{HUGE}",
        f"/api/shift-requests/{TOO_BIG}",
        f"/api/timesheets/{TOO_BIG}",
        f"/api/roster-runs/{TOO_BIG}",
        f"/api/members/{TOO_BIG}/credentials",
        f"/api/clients/{TOO_BIG}/preferred-members",
    ]
    requests = [("GET", path, c, None, None, (limit,)) for path in paths]
    requests += [
        ("GET", f"/api/shifts/open?client_id={TOO_BIG}", n, None, "client_id", (limit,)),
        ("GET", f"/api/shifts?client_id={HUGE}", c, None, "client_id", (limit,)),
        ("GET", f"/api/timesheets?client_id={TOO_BIG}", c, None, "client_id", (limit,)),
        ("GET", f"/api/shift-requests?client_id={TOO_BIG}", c, None, "client_id", (limit,)),
    ]
    for listing in ("/api/members", "/api/clients", "/api/shifts", "/api/shift-requests", "/api/timesheets"):
        requests.append(("GET", f"{listing}?offset=9223372036854775808", c, None, "offset", ("1000000",)))
    requests += [
        ("POST", f"/api/shifts/{demo['shift_id']}/book", c, {"member_id": TOO_BIG}, "member_id", (limit,)),
        ("POST", f"/api/clients/{demo['ward_id']}/preferred-members", c, {"member_id": TOO_BIG}, "member_id", (limit,)),
        ("POST", f"/api/clients/{demo['ward_id']}/do-not-send", c, {"member_id": HUGE}, "member_id", (limit,)),
        ("DELETE", f"/api/clients/{demo['ward_id']}/do-not-send/{TOO_BIG}", c, None, "member_id", (limit,)),
        (
            "POST",
            "/api/members",
            c,
            {"name": "Big Share", "email": "big@tests.coop", "profession": "nurse", "share_capital_pence": HUGE},
            "share_capital_pence",
            (limit,),
        ),
        (
            "POST",
            "/api/shift-requests",
            c,
            {
                "client_id": demo["ward_id"],
                "role": "nurse",
                "pattern": "early",
                "on": str(today_local() + timedelta(days=3)),
                "preferred_member_ids": [HUGE],
            },
            "preferred_member_ids.0",
            (limit,),
        ),
        ("PATCH", own, n, {"preferences": {"clients": [HUGE]}}, "preferences.clients.0", ()),
    ]
    # The field a path id is named by: the router's own parameter name.
    requests = [(m, u, h, b, f or _path_field(u), w) for (m, u, h, b, f, w) in requests]
    before = rows(demo_session)
    check_all(demo_api, requests)
    assert rows(demo_session) == before


def _path_field(url: str) -> str:
    names = {
        "members": "member_id",
        "bookings": "booking_id",
        "clients": "client_id",
        "shifts": "shift_id",
        "shift-requests": "request_id",
        "timesheets": "timesheet_id",
        "roster-runs": "run_id",
    }
    return names[url.split("/")[2]]


def _member(**fields) -> dict:
    return {"name": "Nia Null", "email": "nia.null@tests.coop", "profession": "nurse", **fields}


def _client(**fields) -> dict:
    return {"kind": "ward", "name": "Ward N", "health_board": "Cardiff and Vale", "site": "UHW", **fields}


def _cover(ward_id: int, **fields) -> dict:
    day = today_local() + timedelta(days=3)
    return {"client_id": ward_id, "role": "nurse", "pattern": "early", "on": str(day), **fields}


def _hostile_text_requests(demo: dict, bad: str, says: str) -> list[tuple]:
    """Every text field a user can send, each carrying `bad`, with the field the 422 must name."""
    c, n, w = demo["coordinator"], demo["nurse"], demo["ward"]
    member, ward = f"/api/members/{demo['nurse_id']}", f"/api/clients/{demo['ward_id']}"
    day = str(today_local() + timedelta(days=30))
    pattern = {"code": "early", "label": "Early", "starts": "07:00", "ends": "15:00"}
    window = {"starts_on": day, "ends_on": day, "kind": "leave"}
    sheet = f"/api/timesheets/{demo['timesheet_id']}"
    ward_id = demo["ward_id"]
    requests = [
        ("POST", "/api/members", c, _member(name=f"Nia{bad}"), "name"),
        ("POST", "/api/members", c, _member(phone=f"029{bad}"), "phone"),
        ("POST", "/api/members", c, _member(postcode=f"CF10{bad}1AA"), "postcode"),
        ("POST", "/api/members", c, _member(grade=f"B{bad}"), "grade"),
        ("POST", "/api/members", c, _member(skills=["ok", f"SEN{bad}"]), "skills.1"),
        ("POST", "/api/members", c, _member(password=f"long-enough{bad}"), "password"),
        ("PATCH", member, c, {"name": f"Nia{bad}"}, "name"),
        ("PATCH", member, n, {"postcode": f"CF10 {bad}AA"}, "postcode"),
        ("PATCH", member, n, {"phone": bad}, "phone"),
        ("PATCH", member, n, {"preferences": {"kinds": [f"early{bad}"]}}, "preferences.kinds.0"),
        ("POST", f"{member}/status", c, {"status": "suspended", "reason": bad}, "reason"),
        ("POST", f"{member}/credentials", c, {"kind": "nmc", "reference": bad, "verified_on": day}, "reference"),
        ("PUT", f"{member}/availability", n, {"exceptions": [{**window, "note": bad}]}, "exceptions.0.note"),
        ("POST", "/api/clients", c, _client(name=bad), "name"),
        ("POST", "/api/clients", c, _client(health_board=bad), "health_board"),
        ("POST", "/api/clients", c, _client(site=bad), "site"),
        ("POST", "/api/clients", c, _client(address=bad), "address"),
        ("POST", "/api/clients", c, _client(postcode=bad), "postcode"),
        ("PATCH", ward, w, {"postcode": f"CF14{bad}"}, "postcode"),
        ("PATCH", ward, w, {"address": bad}, "address"),
        ("PATCH", ward, c, {"local_authority": bad}, "local_authority"),
        ("POST", f"{ward}/contacts", c, {"name": bad, "email": "sister@tests.coop"}, "name"),
        ("POST", f"{ward}/contacts", c, {"name": "Sister", "email": f"si{bad}ster@tests.coop"}, "email"),
        ("POST", f"{ward}/preferred-members", c, {"member_id": demo["nurse_id"], "note": bad}, "note"),
        ("PUT", f"{ward}/shift-patterns", w, {"patterns": [{**pattern, "label": bad}]}, "patterns.0.label"),
        ("POST", "/api/shift-requests", w, _cover(demo["ward_id"], notes=f"Bay{bad}"), "notes"),
        ("POST", "/api/shift-requests", w, _cover(demo["ward_id"], pattern=bad), "pattern"),
        ("POST", "/api/shift-requests", w, _cover(ward_id, requirements={"skills": [bad]}), "requirements.skills.0"),
        ("POST", f"/api/shifts/{demo['shift_id']}/cancel", w, {"reason": bad}, "reason"),
        ("POST", f"/api/bookings/{demo['booking_id']}/cancel", n, {"reason": bad}, "reason"),
        ("POST", f"{sheet}/query", c, {"comment": f"late{bad}"}, "comment"),
        ("POST", f"{sheet}/resolve", c, {"comment": f"fine{bad}"}, "comment"),
    ]
    return [(m, u, h, b, f, (says,)) for (m, u, h, b, f) in requests]


def _snapshot(demo_api, demo) -> list:
    """What the edits above would change: the member's and the ward's own records."""
    c = demo["coordinator"]
    return [
        demo_api.get(f"/api/members/{demo['nurse_id']}", headers=c).json(),
        demo_api.get(f"/api/clients/{demo['ward_id']}", headers=c).json(),
        demo_api.get(f"/api/members/{demo['nurse_id']}/availability", headers=c).json(),
        demo_api.get(f"/api/clients/{demo['ward_id']}/shift-patterns", headers=c).json(),
    ]


def test_a_nul_byte_in_any_text_is_422_naming_the_field_and_nothing_is_written(demo_api, demo_session, demo):
    before, records = rows(demo_session), _snapshot(demo_api, demo)
    check_all(demo_api, _hostile_text_requests(demo, "\x00", "NUL"))
    c = demo["coordinator"]
    searches = [("/api/members?q=a%00b", "q"), ("/api/clients?q=a%00b", "q"), ("/api/members?skill=%00", "skill")]
    for url, field in searches:
        refused(demo_api.get(url, headers=c), field, "NUL")
    refused(demo_api.get("/api/shifts/open?kind=%00", headers=demo["nurse"]), "kind", "NUL")
    assert rows(demo_session) == before and _snapshot(demo_api, demo) == records


def test_a_nul_byte_is_refused_without_signing_in(demo_api, demo_session):
    before = rows(demo_session)
    response = demo_api.post("/api/auth/token", data={"username": "coordinator@demo.coop\x00", "password": PASSWORD})
    refused(response, "username", "NUL")
    refused(demo_api.get("/calendar/%00.ics"), "token")
    assert demo_api.get("/calendar/no-such-feed.ics").status_code == 404
    assert rows(demo_session) == before


def test_an_unpaired_surrogate_in_any_text_is_422_naming_the_field_and_nothing_is_written(demo_api, demo_session, demo):
    before, records = rows(demo_session), _snapshot(demo_api, demo)
    check_all(demo_api, _hostile_text_requests(demo, "\ud800", "unpaired surrogate"))
    assert rows(demo_session) == before and _snapshot(demo_api, demo) == records


def test_dates_outside_1900_to_2100_are_422_saying_the_window(demo_api, demo_session, demo):
    c, n, w = demo["coordinator"], demo["nurse"], demo["ward"]
    member, window = f"/api/members/{demo['nurse_id']}", ("1900-01-01", "2100-12-31")
    far = "9999-12-31"
    before, records = rows(demo_session), _snapshot(demo_api, demo)
    check_all(
        demo_api,
        [
            ("POST", "/api/shift-requests", w, _cover(demo["ward_id"], on=far, repeat_days=5), "on", window),
            (
                "POST",
                "/api/shift-requests",
                w,
                {
                    "client_id": demo["ward_id"],
                    "role": "nurse",
                    "starts_at": "9999-12-31T20:00:00-05:00",
                    "ends_at": "9999-12-31T23:00:00-05:00",
                },
                "starts_at",
                window,
            ),
            (
                "PUT",
                f"{member}/availability",
                n,
                {"exceptions": [{"starts_on": far, "ends_on": far}]},
                "exceptions.0.starts_on",
                window,
            ),
            (
                "POST",
                f"{member}/credentials",
                c,
                {"kind": "nmc", "reference": "X1", "verified_on": "0001-01-01"},
                "verified_on",
                window,
            ),
            ("POST", "/api/roster-runs", c, {"starts_on": far, "ends_on": far}, "starts_on", window),
            ("PATCH", member, c, {"care_started_on": "1066-10-14"}, "care_started_on", window),
            ("GET", f"/api/shifts/open?from_date={far}", n, None, "from_date", window),
        ],
    )
    assert rows(demo_session) == before and _snapshot(demo_api, demo) == records


def test_a_roster_run_for_clients_past_the_id_range_is_422_and_no_run_is_queued(demo_api, demo_session, demo):
    before = rows(demo_session)
    day = str(today_local() + timedelta(days=7))
    response = send(
        demo_api,
        "POST",
        "/api/roster-runs",
        demo["coordinator"],
        {"starts_on": day, "ends_on": day, "client_ids": [9223372036854775808]},
    )
    refused(response, "client_ids.0", str(MAX_ID))
    assert rows(demo_session) == before


def test_lists_and_strings_past_their_size_are_422_saying_the_limit(demo_api, demo_session, demo):
    c, w = demo["coordinator"], demo["ward"]
    before, records = rows(demo_session), _snapshot(demo_api, demo)
    pattern = {"code": "early", "label": "Early", "starts": "07:00", "ends": "15:00"}
    many = [{**pattern, "code": f"p{i}"} for i in range(1000)]
    check_all(
        demo_api,
        [
            ("POST", "/api/members", c, _member(skills=[f"s{i}" for i in range(10_000)]), "skills", ("50 items",)),
            ("PATCH", f"/api/members/{demo['nurse_id']}", c, {"skills": ["x"] * 10_000}, "skills", ("50 items",)),
            ("POST", "/api/members", c, _member(name="N" * 1_000_000), "name", ("200 characters",)),
            ("POST", "/api/clients", c, _client(address="A" * 100_000), "address", ("300 characters",)),
            ("PUT", f"/api/clients/{demo['ward_id']}/shift-patterns", w, {"patterns": many}, "patterns", ("50 items",)),
            (
                "POST",
                "/api/shift-requests",
                w,
                _cover(demo["ward_id"], notes="n" * 5000),
                "notes",
                ("1000 characters",),
            ),
            (
                "PUT",
                f"/api/members/{demo['nurse_id']}/availability",
                c,
                {"exceptions": [{"starts_on": "2030-01-01", "ends_on": "2030-01-01"}] * 5000},
                "exceptions",
                ("200 items",),
            ),
            ("GET", "/api/members?q=" + "q" * 5000, c, None, "q", ("100 characters",)),
        ],
    )
    assert rows(demo_session) == before and _snapshot(demo_api, demo) == records
