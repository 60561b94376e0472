"""A client's preferred and do-not-send lists, shown and changed alike by its contacts and coordinators."""

from __future__ import annotations

from typing import Any

from coop.clients import service as client_service
from coop.enums import ListKind
from coop.errors import DomainError
from coop.inputs import MAX_ID, Id
from web.i18n import N_
from web.page import Page

# URL slug for each list, as the pages spell them.
SLUGS = {"preferred": ListKind.preferred, "do-not-send": ListKind.do_not_send}
SLUG_OF = {kind: slug for slug, kind in SLUGS.items()}
# Said to the client's own contacts, and (STAFF_HINTS) to coordinators looking at a client.
HINTS = {
    ListKind.preferred: N_("Members you would like offered your shifts first."),
    ListKind.do_not_send: N_("Members the co-op will not send to you. Only you and the coordinators see this list."),
}
STAFF_HINTS = {
    ListKind.preferred: N_("Members this client would like offered its shifts first."),
    ListKind.do_not_send: N_("Members the co-op will not send to this client."),
}


def lists_context(page: Page, client_id: Id, kinds: tuple[str, ...] | None = None) -> dict[str, Any]:
    kinds = kinds or (ListKind.preferred, ListKind.do_not_send)
    entries = {kind: client_service.list_entries(page.db, page.actor, client_id, kind) for kind in kinds}
    listed = {entry.member_id for kind in entries for entry in entries[kind]}
    if page.actor.is_staff or page.actor.client_id == client_id:
        candidates = [
            (str(i), n) for i, n in client_service.list_candidates(page.db, page.actor, client_id) if i not in listed
        ]
        may_edit = True
    else:
        candidates, may_edit = [], False
    return {
        "lists": entries,
        "candidates": candidates,
        "may_edit": may_edit,
        "list_slug": SLUG_OF,
        "list_hints": HINTS if page.actor.client_id == client_id else STAFF_HINTS,
    }


def add(page: Page, client_id: Id, kind: str, form: Any) -> bool:
    """Add the chosen member; False (with page.errors filled) when coop refuses."""
    prefix = f"{SLUG_OF[kind]}-"
    raw = str(form.get("member_id") or "")
    note = str(form.get("note") or "").strip() or None
    if not (raw.isdigit() and 0 < int(raw) <= MAX_ID):  # past an id column's range is no member
        page.errors[prefix + "member_id"] = page._("Choose a member.")
        return False
    if note and len(note) > 300:
        page.errors[prefix + "note"] = page._("This is too long.")
        return False
    try:
        entry = client_service.add_to_list(page.db, page.actor, client_id, kind, int(raw), note)
    except DomainError as error:
        page.db.rollback()
        page.errors[prefix + "member_id"] = page.fail(error)
        page.errors.pop("form", None)
        return False
    page.flash(N_("%(name)s is added to the list."), name=entry.name)
    return True


def remove(page: Page, client_id: Id, kind: str, member_id: Id) -> None:
    client_service.remove_from_list(page.db, page.actor, client_id, kind, member_id)
    page.flash(N_("The member is taken off the list."))
