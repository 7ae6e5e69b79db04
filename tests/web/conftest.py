"""A running app over a fresh database with the seed imported and one account per role."""

import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from taizhang.auth.models import User
from taizhang.auth.passwords import hash_password
from taizhang.auth.permissions import Actor
from taizhang.ledger import service as ledger
from taizhang.ledger.models import Unit
from taizhang.policy.parse import parse_text
from taizhang.web.app import create_app
from tests.conftest import app_settings

PASSWORD = "Ganzhou-Test#2020"


@dataclass
class Site:
    app: object
    database: object

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="http://127.0.0.1")

    def login(self, username: str, password: str = PASSWORD) -> TestClient:
        client = self.client()
        page = client.get("/login")
        token = csrf_of(page.text)
        response = client.post("/login", data={"username": username, "password": password, "csrf_token": token,
                                                "next": "/"}, follow_redirects=False)
        assert response.status_code == 303, response.text
        return client


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def site(database, seed_text, tmp_path) -> Site:
    with database.writing() as s:
        ledger.import_policy(parse_text(seed_text), session=s, actor=Actor.system(), source_name="seed.txt")
        finance = s.scalar(select(Unit).where(Unit.name == "市人民政府金融工作办公室"))
        for username, role, unit in (("dcs", "supervisor", None), ("jinrong", "reporter", finance.id),
                                     ("leader", "leader", None), ("newbie", "supervisor", None)):
            s.add(User(username=username, display_name=username, password_hash=hash_password(PASSWORD), role=role,
                       unit_id=unit, must_change_password=username == "newbie"))
        s.commit()
    settings = app_settings(tmp_path)
    return Site(app=create_app(settings, database), database=database)


@pytest.fixture
def matrix(database, seed_text, tmp_path):
    """The route-table walks' world (tests/web/matrix.py)."""
    from tests.web.matrix import build_matrix

    return build_matrix(database, seed_text, tmp_path)
