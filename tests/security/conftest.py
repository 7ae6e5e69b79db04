"""A site with the production security defaults: the second factor required for the administrators
and the 督查室, rate limits on (tests that need them set their own), one account per role."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from taizhang.auth.models import User
from taizhang.auth.passwords import hash_password
from taizhang.ledger.models import Unit
from taizhang.settings import Settings
from taizhang.web.app import create_app
from tests.conftest import app_settings
from tests.workflow.conftest import build_world

PASSWORD = "Ganzhou-Test#2020"
DEFAULT_SECOND_FACTOR = Settings.model_fields["second_factor_roles"].default


@dataclass
class Site:
    app: object
    database: object
    settings: Settings
    secrets: dict  # username → the second-factor secret shown at enrolment

    def client(self, base_url: str = "http://127.0.0.1") -> TestClient:
        return TestClient(self.app, base_url=base_url)

    def password_step(self, client: TestClient, username: str, password: str = PASSWORD):
        token = csrf_of(client.get("/login").text)
        return client.post("/login", data={"username": username, "password": password, "csrf_token": token,
                                           "next": "/"}, follow_redirects=False)

    def login(self, username: str, password: str = PASSWORD, *, client: TestClient | None = None) -> TestClient:
        """Log in through the pages; an account that needs the second factor enrols with a real
        authenticator (pyotp) on first use."""
        client = client or self.client()
        response = self.password_step(client, username, password)
        assert response.status_code == 303, response.text
        if response.headers["location"].startswith("/login/code"):
            page = client.get(response.headers["location"])
            secret = self.secret_of(username, page.text)
            done = client.post("/login/code", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(page.text),
                                                    "next": "/"}, follow_redirects=False)
            assert done.status_code == 303, done.text
        return client

    def secret_of(self, username: str, page: str) -> str:
        found = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page)
        if found:
            self.secrets[username] = found.group(1).replace(" ", "")
        return self.secrets[username]


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def make_site(database, seed_text, tmp_path, **overrides) -> Site:
    with database.writing() as s:
        world = build_world(s, seed_text)
        hashed = hash_password(PASSWORD)  # one hash for all: argon2 is slow on purpose
        for user in world.users.values():
            user.password_hash = hashed
        s.commit()
    settings = app_settings(tmp_path, **({"second_factor_roles": DEFAULT_SECOND_FACTOR} | overrides))
    return Site(app=create_app(settings, database), database=database, settings=settings, secrets={})


@pytest.fixture
def site(database, seed_text, tmp_path) -> Site:
    return make_site(database, seed_text, tmp_path)


def user_named(database, username: str) -> User:
    with database.reading() as s:
        user = s.scalar(select(User).where(User.username == username))
        s.expunge(user)
        return user


def unit_id(database, short_name: str) -> int:
    with database.reading() as s:
        return s.scalar(select(Unit.id).where(Unit.short_name == short_name))
