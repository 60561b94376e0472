"""Sign-in: the OAuth2 password flow, and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from api.deps import CurrentActor, SessionDep, SettingsDep
from api.openapi import errors
from coop.auth import service as auth_service
from coop.auth.security import issue_token
from coop.errors import NotAuthenticated

router = APIRouter(tags=["sign-in"])


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
def sign_in(form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep, settings: SettingsDep):
    user = auth_service.authenticate(session, form.username, form.password)
    if user is None:
        raise NotAuthenticated("Wrong e-mail or password.", code="bad_credentials")
    return Token(access_token=issue_token(user.id, secret=settings.secret_key, minutes=settings.token_minutes))


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
