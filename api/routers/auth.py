"""Sign-in: the OAuth2 password flow, and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from pydantic import BaseModel

from api.openapi import errors
from coop.auth import service as auth_service
from coop.auth.security import issue_token
from coop.errors import NotAuthenticated
from coop.inputs import text
from edge.deps import CurrentActor, SecretKeyDep, SessionDep, SettingsDep

router = APIRouter(tags=["sign-in"])

FormText = text(254)


class SignInForm:
    """The OAuth2 password form (RFC 6749 §4.3), every field bounded and free of NUL (coop.inputs)."""

    def __init__(
        self,
        username: Annotated[FormText, Form(description="the e-mail address")],
        password: Annotated[FormText, Form(json_schema_extra={"format": "password"})],
        grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
        scope: Annotated[FormText, Form()] = "",
        client_id: Annotated[FormText | None, Form()] = None,
        client_secret: Annotated[FormText | None, Form(json_schema_extra={"format": "password"})] = None,
    ):
        self.grant_type = grant_type
        self.username = username
        self.password = password
        self.scopes = scope.split()
        self.client_id = client_id
        self.client_secret = client_secret


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class Me(BaseModel):
    id: int
    email: str
    name: str
    roles: list[str]
    member_id: int | None
    client_id: int | None
    language: str


@router.post("/auth/token", response_model=Token, responses=errors(401))
def sign_in(
    form: Annotated[SignInForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
    secret_key: SecretKeyDep,
):
    user = auth_service.authenticate(session, form.username, form.password)
    if user is None:
        raise NotAuthenticated("Wrong e-mail or password.", code="bad_credentials")
    return Token(access_token=issue_token(user.id, secret=secret_key, minutes=settings.token_minutes))


@router.get("/me", response_model=Me)
def read_me(actor: CurrentActor, session: SessionDep):
    user = auth_service.active_user(session, actor.user_id)
    return Me(
        id=user.id,
        email=user.email,
        name=user.name,
        roles=sorted(actor.roles),
        member_id=actor.member_id,
        client_id=actor.client_id,
        language=user.language,
    )
