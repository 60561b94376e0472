"""What every page handler gets: the database session, who is signed in, the language, and render().

Handlers are plain functions on a PageRouter. Its route class turns a DomainError that escapes a
handler into an error page (403/404/409 in the reader's language), a missing sign-in into a redirect
to /sign-in, and a bad CSRF token into a 403 page. Forms catch DomainError themselves to show the
message beside the form.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlmodel import Session
from starlette.datastructures import FormData

from coop.access import Actor
from coop.auth import service as auth_service
from coop.auth.models import User
from coop.db import reader
from coop.errors import DomainError, InvalidInput, NotAuthenticated, PermissionDenied
from coop.inputs import plain_text
from edge.deps import get_session
from edge.errors import status_for
from web import messages, nav
from web.i18n import DEFAULT_LANGUAGE, LANGUAGES, environment, gettext_for

LANGUAGE_COOKIE = "lang"
CSRF_FIELD = "csrf_token"
MAX_FIELD_LENGTH = 10_000  # no form field or query value is longer; each field's own limit is its schema's


def refuse_unstorable(items: Iterable[tuple[str, Any]]) -> None:
    """Query and form values no column can hold (NUL, unpaired surrogates, megabytes) never reach a handler."""
    for name, value in items:
        if not isinstance(value, str):
            continue
        try:
            plain_text(value)
        except ValueError as error:
            raise InvalidInput(f"{name[:40]}: {error}", field=name[:40]) from None
        if len(value) > MAX_FIELD_LENGTH:
            raise InvalidInput(f"{name[:40]}: at most {MAX_FIELD_LENGTH} characters", field=name[:40])


class CsrfFailed(Exception):
    """The form's token is missing or is not this session's."""


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    """A dependency on every POST page: the hidden field must match the token in the session."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    expected = request.session.get("csrf")
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        raise CsrfFailed()


def language_of(request: Request, user: User | None) -> str:
    if user is not None and user.language in LANGUAGES:
        return user.language
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    accept = request.headers.get("accept-language", "").lower()
    if accept.startswith("cy"):
        return "cy"
    return DEFAULT_LANGUAGE


@dataclass
class Page:
    request: Request
    db: Session
    user: User | None
    actor: Actor | None
    lang: str
    errors: dict[str, str] = field(default_factory=dict)

    def _(self, message: str, **variables: Any) -> str:
        return gettext_for(self.lang)(message, **variables)

    def label(self, kind: str, value: str | None) -> str:
        return self._(messages.label(kind, value)) if value else ""

    def flash(self, message: str, **variables: Any) -> None:
        """A message for the next page (after a redirect), kept as a msgid and translated when shown."""
        self.request.session["flash"] = [message, variables]

    def redirect(self, path: str) -> RedirectResponse:
        return RedirectResponse(path, status_code=303)

    def render(self, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
        flash = self.request.session.pop("flash", None)
        html = (
            environment(self.lang)
            .get_template(template)
            .render(
                page=self,
                request=self.request,
                actor=self.actor,
                csrf_token=csrf_token(self.request),
                csrf_field=CSRF_FIELD,
                areas=nav.areas_for(self.actor),
                path=self.request.url.path,
                flash=self._(flash[0], **flash[1]) if flash else None,
                label=self.label,
                errors=self.errors,
                **context,
            )
        )
        return HTMLResponse(html, status_code=status_code)

    def fail(self, error: DomainError) -> str:
        """Record a domain error against its field (or the form) and return its translated message."""
        text = self._(messages.error_message(error))
        self.errors[getattr(error, "field", None) or "form"] = text
        return text


def _page(request: Request, db: Session, *, signed_in: bool) -> Page:
    user_id = request.session.get("user_id")
    user = auth_service.active_user(db, user_id) if isinstance(user_id, int) else None
    if user is None and user_id is not None:
        request.session.pop("user_id", None)
    actor = auth_service.actor_for(db, user) if user is not None else None
    if signed_in and actor is None:
        raise NotAuthenticated("Sign in first.")
    return Page(request=request, db=db, user=user, actor=actor, lang=language_of(request, user))


def any_page(request: Request, db: Annotated[Session, Depends(get_session)]) -> Page:
    return _page(request, db, signed_in=False)


def signed_in_page(request: Request, db: Annotated[Session, Depends(get_session)]) -> Page:
    return _page(request, db, signed_in=True)


def role_page(*roles: str) -> Callable[..., Page]:
    """A dependency: signed in with one of these roles, else the 403 page."""

    def dependency(page: Annotated[Page, Depends(signed_in_page)]) -> Page:
        if not page.actor.has(*roles):
            raise PermissionDenied("This page is for another role.")
        return page

    return dependency


async def form_data(request: Request) -> FormData:
    """The submitted form, read once here so page handlers can stay plain (sync) functions."""
    form = await request.form()
    refuse_unstorable(form.multi_items())
    return form


Form = Annotated[FormData, Depends(form_data)]
AnyPage = Annotated[Page, Depends(any_page)]
SignedIn = Annotated[Page, Depends(signed_in_page)]
Csrf = Depends(check_csrf)


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    """A page for an error that reached no form: the reader's language, the nav if signed in."""
    # The request's own session may still hold SQLite's write lock: read beside it, never wait for it.
    with Session(reader(request.app.state.engine), expire_on_commit=False) as db:
        page = _page(request, db, signed_in=False)
        return page.render("error.html", status_code=status_code, status=status_code, message=page._(message))


class PageRoute(APIRoute):
    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                refuse_unstorable(request.query_params.multi_items())
                return await handler(request)
            except NotAuthenticated:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/sign-in?next={quote(target)}", status_code=303)
            except CsrfFailed:
                return error_page(request, 403, messages.ERROR_MESSAGES["csrf"])
            except DomainError as error:
                status = status_for(error)
                return error_page(request, status, messages.error_message(error))
            except RequestValidationError as error:
                # A mistyped address (/members/abc) is a missing page; anything else is input we refuse.
                in_path = any(tuple(e.get("loc", ()))[:1] == ("path",) for e in error.errors())
                if in_path:
                    return error_page(request, 404, messages.ERROR_MESSAGES["page_not_found"])
                return error_page(request, 422, messages.ERROR_MESSAGES["invalid"])
            except DataError:
                # Last line of defence: a value the types let through that the database cannot hold.
                return error_page(request, 422, messages.ERROR_MESSAGES["invalid"])
            except IntegrityError:
                # The database refused a write the use-case let through (a race): say so, never a 500.
                return error_page(request, 409, messages.ERROR_MESSAGES["conflict"])
            except OperationalError:
                return error_page(request, 503, messages.ERROR_MESSAGES["busy"])

        return route


def PageRouter(**kwargs: Any) -> APIRouter:  # noqa: N802 - reads like the class it builds
    return APIRouter(route_class=PageRoute, include_in_schema=False, default_response_class=HTMLResponse, **kwargs)


def form_values(form: Any, names: Iterable[str]) -> dict[str, str]:
    """The submitted text of each named field, stripped."""
    return {name: str(form.get(name) or "").strip() for name in names}


def safe_next(target: str | None, default: str) -> str:
    """Only ever redirect within this site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
