"""Coordinators' pages: the members and clients registers, member and client pages, expiring credentials."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends
from pydantic import ValidationError

from coop.clients import service as client_service
from coop.clients.schemas import ClientUpdate
from coop.clock import today_local
from coop.enums import ClientKind, CredentialKind, MembershipClass, MemberStatus, Profession, WelshLevel
from coop.errors import DomainError, NotFound
from coop.inputs import Id
from coop.members import service as member_service
from coop.members.grades import GRADES
from coop.members.schemas import CredentialCreate, MemberUpdate
from web.i18n import N_
from web.page import Csrf, Form, Page, PageRouter, role_page
from web.pages import lists
from web.present import blank_to_none, credential_rows, credential_tag, options, parse_changes, translate_errors

router = PageRouter(prefix="/coordinator")
StaffPage = Annotated[Page, Depends(role_page("coordinator", "admin"))]
PAGE_SIZE = 25

MEMBER_FIELDS = [
    "name",
    "email",
    "phone",
    "profession",
    "membership_class",
    "grade",
    "skills",
    "welsh_level",
    "postcode",
    "max_hours_per_week",
    "max_travel_km",
    "opted_out_48h",
    "care_started_on",
]
CLIENT_FIELDS = [
    "name",
    "local_authority",
    "health_board",
    "site",
    "address",
    "postcode",
    "phone",
    "email",
    "welsh_medium",
    "cancellation_notice_hours",
    "language",
    "invoice_frequency",
]
KEPT_WHEN_BLANK = ("language", "invoice_frequency")
CREDENTIAL_FIELDS = ["kind", "reference", "verified_on", "expires_on", "dbs_workforce", "dbs_update_service"]


def _choice(value: str | None, allowed: Any) -> str | None:
    """A filter value from the query string, or None when it is not one of the allowed values."""
    return value if value in {str(v) for v in allowed} else None


def _page_number(value: str | None) -> int:
    return int(value) if value and value.isdigit() and int(value) > 0 else 1


def _pager(number: int, count: int) -> dict[str, Any]:
    pages = max(1, -(-count // PAGE_SIZE))
    return {"number": number, "pages": pages, "count": count}


@router.get("")
def home(page: StaffPage):
    expiring = member_service.expiring_credentials(page.db, page.actor)
    _, applicants = member_service.list_members(page.db, page.actor, status=MemberStatus.applicant, limit=1)
    return page.render("coordinator/home.html", expiring=len(expiring), applicants=applicants)


# Members ----------------------------------------------------------------------------------------


def register_context(page: Page, q: str | None, profession: str | None, status: str | None, number: int) -> dict:
    """The members register, as coordinators and the board both see it."""
    q = (q or "").strip()[:100] or None
    profession = _choice(profession, Profession)
    status = _choice(status, MemberStatus)
    members, count = member_service.list_members(
        page.db,
        page.actor,
        q=q,
        profession=profession,
        status=status,
        limit=PAGE_SIZE,
        offset=(number - 1) * PAGE_SIZE,
    )
    return {
        "members": members,
        "q": q or "",
        "profession": profession or "",
        "status": status or "",
        "pager": _pager(number, count),
        "professions": options(page, "profession", list(Profession)),
        "statuses": options(page, "status", list(MemberStatus)),
    }


@router.get("/members")
def members(page: StaffPage, q: str | None = None, profession: str | None = None, status: str | None = None):
    number = _page_number(page.request.query_params.get("page"))
    return page.render(
        "coordinator/members.html",
        **register_context(page, q, profession, status, number),
        base="/coordinator/members",
    )


def _member_values(member) -> dict[str, Any]:
    values = {name: getattr(member, name) for name in MEMBER_FIELDS}
    values["skills"] = ", ".join(member.skills)
    return values


def _member_page(
    page: Page,
    member_id: Id,
    *,
    edit: dict | None = None,
    credential: dict | None = None,
    status_form: dict | None = None,
    status_code: int = 200,
):
    member = member_service.get_member(page.db, page.actor, member_id)
    today = today_local()
    credentials = credential_rows(page, member_service.list_credentials(page.db, page.actor, member_id), today)
    return page.render(
        "coordinator/member.html",
        status_code=status_code,
        member=member,
        credentials=credentials,
        history=list(reversed(member_service.status_history(page.db, page.actor, member_id))),
        edit=edit or _member_values(member),
        credential=credential
        or {
            "kind": "",
            "reference": "",
            "verified_on": today.isoformat(),
            "expires_on": "",
            "dbs_workforce": "",
            "dbs_update_service": False,
        },
        status_form=status_form or {"status": "", "reason": ""},
        next_statuses=options(page, "status", sorted(member_service.TRANSITIONS[member.status])),
        professions=options(page, "profession", list(Profession)),
        classes=options(page, "membership_class", list(MembershipClass)),
        welsh_levels=options(page, "welsh_level", list(WelshLevel)),
        credential_kinds=options(page, "credential", list(CredentialKind)),
        workforces=options(page, "dbs_workforce", ("children", "adults", "both")),
        grades=GRADES,
    )


@router.get("/members/{member_id}")
def member(page: StaffPage, member_id: Id):
    return _member_page(page, member_id)


@router.post("/members/{member_id}", dependencies=[Csrf])
def edit_member(page: StaffPage, member_id: Id, form: Form):
    current = member_service.get_member(page.db, page.actor, member_id)
    update = parse_changes(
        page,
        MemberUpdate,
        form,
        current,
        MEMBER_FIELDS,
        checkboxes=frozenset({"opted_out_48h"}),
        lists=frozenset({"skills"}),
    )
    if update is not None:
        try:
            member_service.update_member(page.db, page.actor, member_id, update)
        except DomainError as error:
            page.db.rollback()
            page.fail(error)
        else:
            page.flash(N_("The member's details are saved."))
            return page.redirect(f"/coordinator/members/{member_id}")
    edit = {name: form.get(name) or "" for name in MEMBER_FIELDS}
    edit["opted_out_48h"] = form.get("opted_out_48h") is not None
    return _member_page(page, member_id, edit=edit, status_code=422)


@router.post("/members/{member_id}/credentials", dependencies=[Csrf])
def record_credential(page: StaffPage, member_id: Id, form: Form):
    prefix = "credential-"
    raw = {name: blank_to_none(form.get(prefix + name)) for name in CREDENTIAL_FIELDS}
    raw["dbs_update_service"] = form.get(prefix + "dbs_update_service") is not None
    try:
        data = CredentialCreate.model_validate(raw)
    except ValidationError as error:
        translate_errors(page, error, prefix=prefix)
    else:
        try:
            member_service.add_credential(page.db, page.actor, member_id, data)
        except DomainError as error:
            page.db.rollback()
            page.fail(error)
        else:
            page.flash(N_("The credential is recorded."))
            return page.redirect(f"/coordinator/members/{member_id}")
    values = {name: raw[name] or "" for name in CREDENTIAL_FIELDS}
    values["dbs_update_service"] = raw["dbs_update_service"]
    return _member_page(page, member_id, credential=values, status_code=422)


@router.post("/members/{member_id}/status", dependencies=[Csrf])
def change_status(page: StaffPage, member_id: Id, form: Form):
    status = str(form.get("status") or "")
    reason = str(form.get("reason") or "").strip() or None
    if status not in {str(s) for s in MemberStatus}:
        page.errors["status-status"] = page._("Choose the new status.")
    elif reason and len(reason) > 300:
        page.errors["status-reason"] = page._("This is too long.")
    else:
        try:
            member_service.change_status(page.db, page.actor, member_id, status, reason)
        except DomainError as error:
            page.db.rollback()
            page.errors["status-status"] = page.fail(error)
            page.errors.pop("form", None)
        else:
            page.flash(N_("The member's status is changed."))
            return page.redirect(f"/coordinator/members/{member_id}")
    return _member_page(page, member_id, status_form={"status": status, "reason": reason or ""}, status_code=422)


@router.get("/expiring-credentials")
def expiring(page: StaffPage):
    today = today_local()
    rows = [(m, c, credential_tag(page, c, today)) for m, c in member_service.expiring_credentials(page.db, page.actor)]
    return page.render("coordinator/expiring.html", rows=rows)


# Clients ----------------------------------------------------------------------------------------


@router.get("/clients")
def clients(page: StaffPage, q: str | None = None, kind: str | None = None):
    number = _page_number(page.request.query_params.get("page"))
    q = (q or "").strip()[:100] or None
    kind = _choice(kind, ClientKind)
    rows, count = client_service.list_clients(
        page.db, page.actor, q=q, kind=kind, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
    )
    return page.render(
        "coordinator/clients.html",
        clients=rows,
        q=q or "",
        kind=kind or "",
        kinds=options(page, "client_kind", list(ClientKind)),
        pager=_pager(number, count),
        base="/coordinator/clients",
    )


def _client_page(page: Page, client_id: Id, *, edit: dict | None = None, status_code: int = 200):
    client = client_service.get_client(page.db, page.actor, client_id)
    return page.render(
        "coordinator/client.html",
        status_code=status_code,
        client=client,
        contacts=client_service.list_contacts(page.db, page.actor, client_id),
        edit=edit or {name: getattr(client, name) for name in CLIENT_FIELDS},
        profession=client_service.profession_for(client.kind),
        **lists.lists_context(page, client_id),
    )


@router.get("/clients/{client_id}")
def client(page: StaffPage, client_id: Id):
    return _client_page(page, client_id)


@router.post("/clients/{client_id}", dependencies=[Csrf])
def edit_client(page: StaffPage, client_id: Id, form: Form):
    current = client_service.get_client(page.db, page.actor, client_id)
    # A form without the invoice choices (an older page) keeps the client's own; they are never emptied.
    form = {**{name: getattr(current, name) for name in KEPT_WHEN_BLANK}, **{k: v for k, v in form.items() if v}}
    update = parse_changes(page, ClientUpdate, form, current, CLIENT_FIELDS, checkboxes=frozenset({"welsh_medium"}))
    if update is not None:
        try:
            client_service.update_client(page.db, page.actor, client_id, update)
        except DomainError as error:
            page.db.rollback()
            page.fail(error)
        else:
            page.flash(N_("The client's details are saved."))
            return page.redirect(f"/coordinator/clients/{client_id}")
    edit = {name: form.get(name) or "" for name in CLIENT_FIELDS}
    edit["welsh_medium"] = form.get("welsh_medium") is not None
    return _client_page(page, client_id, edit=edit, status_code=422)


@router.post("/clients/{client_id}/{slug}", dependencies=[Csrf])
def add_to_list(page: StaffPage, client_id: Id, slug: str, form: Form):
    kind = lists.SLUGS.get(slug)
    if kind is None:
        raise NotFound(f"No list {slug}.")
    if lists.add(page, client_id, kind, form):
        return page.redirect(f"/coordinator/clients/{client_id}")
    return _client_page(page, client_id, status_code=422)


@router.post("/clients/{client_id}/{slug}/{member_id}/remove", dependencies=[Csrf])
def remove_from_list(page: StaffPage, client_id: Id, slug: str, member_id: Id):
    kind = lists.SLUGS.get(slug)
    if kind is None:
        raise NotFound(f"No list {slug}.")
    lists.remove(page, client_id, kind, member_id)
    return page.redirect(f"/coordinator/clients/{client_id}")
