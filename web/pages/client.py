"""A client contact's pages: their organisation, and its preferred and do-not-send lists."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from coop.clients import service as client_service
from coop.errors import NotFound, PermissionDenied
from coop.inputs import Id
from web.page import Csrf, Form, Page, PageRouter, role_page
from web.pages import lists

router = PageRouter(prefix="/client")
ClientPage = Annotated[Page, Depends(role_page("client"))]


def _client_id(page: Page) -> int:
    if page.actor.client_id is None:
        raise PermissionDenied("This sign-in is not linked to a client.")
    return page.actor.client_id


def _kind(slug: str) -> str:
    kind = lists.SLUGS.get(slug)
    if kind is None:
        raise NotFound(f"No list {slug}.")
    return kind


@router.get("")
def home(page: ClientPage):
    client_id = _client_id(page)
    client = client_service.get_client(page.db, page.actor, client_id)
    entries = lists.lists_context(page, client_id)["lists"]
    return page.render(
        "client/home.html",
        client=client,
        contacts=client_service.list_contacts(page.db, page.actor, client_id),
        counts={kind: len(rows) for kind, rows in entries.items()},
    )


def _list_page(page: Page, slug: str, status_code: int = 200):
    client_id = _client_id(page)
    kind = _kind(slug)
    client = client_service.get_client(page.db, page.actor, client_id)
    return page.render(
        "client/list.html",
        status_code=status_code,
        client=client,
        kind=kind,
        profession=client_service.profession_for(client.kind),
        **lists.lists_context(page, client_id, (kind,)),
    )


@router.get("/{slug}")
def member_list(page: ClientPage, slug: str):
    return _list_page(page, slug)


@router.post("/{slug}", dependencies=[Csrf])
def add_to_list(page: ClientPage, slug: str, form: Form):
    if lists.add(page, _client_id(page), _kind(slug), form):
        return page.redirect(f"/client/{slug}")
    return _list_page(page, slug, status_code=422)


@router.post("/{slug}/{member_id}/remove", dependencies=[Csrf])
def remove_from_list(page: ClientPage, slug: str, member_id: Id):
    lists.remove(page, _client_id(page), _kind(slug), member_id)
    return page.redirect(f"/client/{slug}")
