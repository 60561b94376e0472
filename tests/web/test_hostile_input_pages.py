"""Hostile input on the pages (issue 29): NUL, unpaired surrogates and ids past 2^31 are refused, never a 500."""

from __future__ import annotations

from sqlalchemy import func, select

from coop.clients.models import ClientMemberList
from coop.inputs import MAX_ID
from tests import factories
from tests.web.conftest import post_form, sign_in


def _coordinator(web, session):
    user = factories.make_user(session, roles={"coordinator"}, name="Cydlynydd Un")
    assert sign_in(web, user.email).status_code == 200
    return user


def _entries(session) -> int:
    count = session.execute(select(func.count()).select_from(ClientMemberList)).scalar_one()
    session.commit()
    return count


def test_a_nul_in_the_sign_in_form_is_refused_not_looked_up(web, session):
    factories.make_user(session, roles={"coordinator"}, email="coord@tests.coop")
    response = sign_in(web, "coord@tests.coop\x00")
    assert response.status_code == 422


def test_a_nul_in_a_search_is_a_422_page(web, session):
    _coordinator(web, session)
    assert web.get("/coordinator/members?q=a%00b").status_code == 422
    assert web.get("/coordinator/clients", params={"q": "a\x00b"}).status_code == 422
    assert web.get("/coordinator/members", params={"q": "Morgan"}).status_code == 200


def test_an_id_past_the_column_in_an_address_is_a_missing_page(web, session):
    _coordinator(web, session)
    assert web.get(f"/coordinator/members/{MAX_ID + 1}").status_code == 404
    assert web.get("/coordinator/clients/9223372036854775808").status_code == 404


def test_a_list_entry_with_a_huge_member_id_or_a_nul_note_is_refused_and_nothing_is_added(web, session):
    ward = factories.make_client(session, kind="ward", name="Ward B2")
    member = factories.make_member(session, name="Nia Nurse")
    _coordinator(web, session)
    page = f"/coordinator/clients/{ward.id}"
    before = _entries(session)
    huge = post_form(web, f"{page}/preferred", {"member_id": str(2**63)}, page=page)
    nul = post_form(web, f"{page}/preferred", {"member_id": str(member.id), "note": "a\x00b"}, page=page)
    assert huge.status_code == 422 and nul.status_code == 422
    assert _entries(session) == before
    added = post_form(web, f"{page}/preferred", {"member_id": str(member.id), "note": "asked for"}, page=page)
    assert added.status_code == 200 and _entries(session) == before + 1
