"""Signing in and out, the front door, and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form
from fastapi.responses import RedirectResponse

from coop.auth import service as auth_service
from coop.inputs import text
from web import messages, nav
from web.i18n import LANGUAGES, N_
from web.page import LANGUAGE_COOKIE, AnyPage, Csrf, PageRouter, SignedIn, csrf_token, safe_next

router = PageRouter()


@router.get("/")
def front_door(page: AnyPage):
    return page.redirect(nav.home_for(page.actor) if page.actor else "/sign-in")


@router.get("/sign-in")
def sign_in_form(page: AnyPage, next: str | None = None):
    if page.actor is not None:
        return page.redirect(safe_next(next, nav.home_for(page.actor)))
    return page.render("sign_in.html", email="", next=next or "")


@router.post("/sign-in", dependencies=[Csrf])
def sign_in(
    page: AnyPage,
    email: Annotated[text(254), Form()] = "",
    password: Annotated[text(200), Form()] = "",
    next: Annotated[text(500), Form()] = "",
):
    user = auth_service.authenticate(page.db, email, password) if email and password else None
    if user is None:
        if not email:
            page.errors["email"] = page._("Enter your e-mail address.")
        if not password:
            page.errors["password"] = page._("Enter your password.")
        if email and password:
            wrong = messages.ERROR_MESSAGES["bad_credentials"]
            page.errors["form"] = page._(wrong)
        return page.render("sign_in.html", status_code=200, email=email, next=next)
    chosen = page.request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES and chosen != user.language:
        # The language picked before signing in is the latest choice: remember it on the account.
        auth_service.set_language(page.db, user.id, chosen)
    # A new session on sign-in, so a token planted before it is worth nothing.
    page.request.session.clear()
    page.request.session["user_id"] = user.id
    csrf_token(page.request)
    actor = auth_service.actor_for(page.db, user)
    return page.redirect(safe_next(next, nav.home_for(actor)))


@router.post("/sign-out", dependencies=[Csrf])
def sign_out(page: SignedIn):
    page.request.session.clear()
    page.flash(N_("You have signed out."))
    return page.redirect("/sign-in")


@router.post("/language", dependencies=[Csrf])
def switch_language(
    page: AnyPage,
    lang: Annotated[str, Form(max_length=2)] = "en",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> RedirectResponse:
    language = lang if lang in LANGUAGES else "en"
    if page.user is not None:
        auth_service.set_language(page.db, page.user.id, language)
    response = page.redirect(safe_next(next, "/"))
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=page.request.app.state.settings.public_url.startswith("https"),
    )
    return response
