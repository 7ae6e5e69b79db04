"""A ledger in use: the seed imported, Ganzhou's counties as units, one account per role.

``world.actor("市人社局")`` is a reporter of that unit; ``world.office`` the supervision office.
Dates are fixed: the policy was issued on 2020-06-18 and reports are due on the 25th of each month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from taizhang.auth.models import User
from taizhang.auth.permissions import Actor
from taizhang.ledger import service as ledger
from taizhang.ledger.models import Task, Unit
from taizhang.policy.parse import parse_text

COUNTIES = ["章贡区", "南康区", "赣县区", "信丰县", "大余县", "上犹县", "崇义县", "安远县", "龙南市", "定南县",
            "全南县", "宁都县", "于都县", "兴国县", "会昌县", "寻乌县", "石城县", "瑞金市"]


@dataclass
class World:
    session: object
    users: dict[str, User]

    def unit(self, short_name: str) -> Unit:
        return self.session.scalar(select(Unit).where(Unit.short_name == short_name))

    def task(self, measure_no: str) -> Task:
        return self.session.scalar(select(Task).where(Task.measure_key.endswith(f".{measure_no}"),
                                                      Task.parent_id.is_(None)))

    def actor(self, unit_short_name: str) -> Actor:
        user = self.users[unit_short_name]
        return Actor(user_id=user.id, username=user.username, role=user.role, unit_id=user.unit_id)

    @property
    def office(self) -> Actor:
        user = self.users["督查室"]
        return Actor(user_id=user.id, username=user.username, role="supervisor")

    @property
    def leader(self) -> Actor:
        user = self.users["领导"]
        return Actor(user_id=user.id, username=user.username, role="leader")


def build_world(session, seed_text: str) -> World:
    ledger.import_policy(parse_text(seed_text), session=session, actor=Actor.system(), source_name="seed.txt")
    for name in COUNTIES:
        session.add(Unit(name=f"赣州市{name}", short_name=name, kind="county", in_directory=True))
    session.flush()
    users: dict[str, User] = {}
    specs = [("督查室", "office", "supervisor", None), ("领导", "leader1", "leader", None),
             ("管理员", "admin1", "admin", None), ("安全管理员", "secadmin1", "security_admin", None),
             ("审计管理员", "auditor1", "audit_admin", None)]
    for unit_name, username in (("市人社局", "renshe"), ("市教育局", "jiaoyu"), ("市财政局", "caizheng"),
                                ("市政府金融办", "jinrong"), ("章贡区", "zhanggong"), ("南康区", "nankang")):
        unit = session.scalar(select(Unit).where(Unit.short_name == unit_name))
        specs.append((unit_name, username, "reporter", unit.id))
    for key, username, role, unit_id in specs:
        user = User(username=username, display_name=key, password_hash="x", role=role, unit_id=unit_id)
        session.add(user)
        users[key] = user
    session.commit()
    return World(session=session, users=users)


@pytest.fixture
def world(session, seed_text) -> World:
    return build_world(session, seed_text)


SEPT = date(2020, 9, 20)  # inside the 2020-09 period, before its due day
