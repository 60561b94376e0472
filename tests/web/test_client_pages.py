"""A client contact's pages: their organisation and their lists."""

from __future__ import annotations

from tests import factories
from tests.web.conftest import post_form, sign_in


def test_a_contact_sees_their_organisation_and_manages_its_lists(web, session):
    school = factories.make_client(session, kind="school", name="Ysgol Glan Taf")
    other = factories.make_client(session, kind="school", name="Ysgol Arall")
    teacher = factories.make_member(session, name="Athro Da", profession="supply_teacher")
    factories.make_member(session, name="Nyrs", profession="nurse")
    factories.make_member(session, name="Athro Newydd", profession="supply_teacher", status="applicant")
    contact = factories.make_user(session, roles={"client"}, client_id=school.id)
    response = sign_in(web, contact.email)
    assert response.url.path == "/client"
    assert "Ysgol Glan Taf" in response.text
    page = web.get("/client/preferred").text
    assert "Athro Da" in page and "Nyrs" not in page and "Athro Newydd" not in page
    response = post_form(web, "/client/preferred", {"member_id": str(teacher.id), "note": "Knows year 6"})
    assert "Athro Da is added to the list." in response.text and "Knows year 6" in response.text
    response = post_form(web, "/client/do-not-send", {"member_id": str(teacher.id)})
    assert response.status_code == 422
    assert "That member is already on one of this client" in response.text
    response = post_form(web, f"/client/preferred/{teacher.id}/remove", {}, page="/client/preferred")
    assert "The member is taken off the list." in response.text
    assert web.get(f"/coordinator/clients/{other.id}").status_code == 403
