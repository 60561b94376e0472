"""Request dependencies: the session, the settings, and who is calling."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from coop.access import Actor
from coop.auth import service as auth_service
from coop.auth.security import user_id_from_token
from coop.config import Settings
from coop.errors import NotAuthenticated

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_secret_key(request: Request) -> str:
    """The secret resolved at start (coop/app_secret.py): configured, or the installation's own."""
    return request.app.state.secret_key


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SecretKeyDep = Annotated[str, Depends(get_secret_key)]


def get_actor(session: SessionDep, secret_key: SecretKeyDep, token: Annotated[str | None, Depends(oauth2)]) -> Actor:
    if not token:
        raise NotAuthenticated("Sign in first: send the bearer token from /api/auth/token.")
    user_id = user_id_from_token(token, secret=secret_key)
    user = auth_service.active_user(session, user_id) if user_id is not None else None
    if user is None:
        raise NotAuthenticated("The token is not valid or has expired: sign in again.")
    return auth_service.actor_for(session, user)


CurrentActor = Annotated[Actor, Depends(get_actor)]
