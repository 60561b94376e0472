"""Rules every page keeps, checked over all routes so later pages keep them too."""

from __future__ import annotations

from fastapi.routing import APIRoute

from tests import factories
from tests.web.conftest import sign_in
from web import nav
from web.app import PAGE_MODULES
from web.page import PageRoute, check_csrf


def _dependencies(dependant) -> set:
    found = set()
    for sub in dependant.dependencies:
        found.add(sub.call)
        found |= _dependencies(sub)
    return found


def _routes() -> list[APIRoute]:
    return [route for module in PAGE_MODULES for route in module.router.routes]


def test_every_page_post_checks_the_csrf_token():
    posts = [r for r in _routes() if isinstance(r, PageRoute) and "POST" in r.methods]
    assert len(posts) >= 10
    unguarded = [r.path for r in posts if check_csrf not in _dependencies(r.dependant)]
    assert not unguarded, f"POST pages without check_csrf: {unguarded}"


def test_every_nav_entry_is_a_page():
    pages = [r.path_regex for r in _routes() if "GET" in r.methods]
    for area in nav.AREAS:
        for path in [area.home, *(entry.path for entry in area.entries)]:
            assert any(page.match(path) for page in pages), path


def test_the_board_sees_the_register_read_only(web, session):
    factories.make_member(session, name="Gwen Davies")
    board = factories.make_user(session, roles={"board"})
    response = sign_in(web, board.email)
    assert response.url.path == "/board"
    assert "Gwen Davies" in response.text
    assert "/coordinator/members/" not in response.text  # no way into the record pages
    assert "Pay, the surplus and votes are coming" in response.text
    assert web.get("/coordinator/members").status_code == 403
