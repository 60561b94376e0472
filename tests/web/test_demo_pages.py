"""The demo co-op through the pages: each demo sign-in lands on its home and every page it can reach opens."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from demo import DEMO_PASSWORD
from tests.web.conftest import sign_in
from web import nav

HOMES = {
    "coordinator@demo.coop": "/coordinator",
    "board@demo.coop": "/board",
    "nurse@demo.coop": "/member",
    "teacher@demo.coop": "/member",
    "carer@demo.coop": "/member",
    "school@demo.coop": "/client",
    "ward@demo.coop": "/client",
    "care@demo.coop": "/client",
}


def test_every_demo_sign_in_reaches_its_pages(demo_app):
    for email, home in HOMES.items():
        with TestClient(demo_app) as client:
            response = sign_in(client, email, DEMO_PASSWORD)
            assert response.url.path == home, email
            paths = {entry.path for area in nav.AREAS for entry in area.entries}
            linked = set(re.findall(r'<a href="(/(?:member|client|coordinator|board)[^"#?]*)"', response.text))
            for path in sorted(linked & paths | {home}):
                page = client.get(path)
                assert page.status_code == 200, (email, path)


def test_the_coordinator_opens_a_demo_member_and_client(demo_app):
    with TestClient(demo_app) as client:
        sign_in(client, "coordinator@demo.coop", DEMO_PASSWORD)
        register = client.get("/coordinator/members").text
        member_path = re.search(r'href="(/coordinator/members/\d+)"', register).group(1)
        assert client.get(member_path).status_code == 200
        clients = client.get("/coordinator/clients").text
        client_path = re.search(r'href="(/coordinator/clients/\d+)"', clients).group(1)
        assert client.get(client_path).status_code == 200
        assert "Expires" in client.get("/coordinator/expiring-credentials").text
