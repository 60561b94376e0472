"""Helpers for the page tests: read the CSRF token from a page, sign in through the form, post forms."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests import factories

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = TOKEN.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def post_form(client: TestClient, path: str, data: dict, *, page: str | None = None, **kwargs):
    """Open the page holding the form (for its CSRF token), then post the form as a browser would."""
    token = csrf_from(client.get(page or path).text)
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)


def sign_in(client: TestClient, email: str, password: str = factories.PASSWORD, **kwargs):
    return post_form(client, "/sign-in", {"email": email, "password": password}, **kwargs)


@pytest.fixture
def web(app):
    """A browser-like client: keeps cookies, follows redirects, never raises the server's errors as-is."""
    with TestClient(app, raise_server_exceptions=True) as client:
        yield client
