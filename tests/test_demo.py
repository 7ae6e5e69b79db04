"""`taizhang demo`: a ledger that shows every light and every workflow state, labelled as demo data."""

from sqlalchemy import func, select

from taizhang.auth.permissions import Actor
from taizhang.demo.service import AS_OF, load_demo
from taizhang.ledger.models import Policy, Task, Unit
from taizhang.reporting.models import Report
from taizhang.supervision.models import LightOverride, Notice


def test_demo_exercises_every_light_and_state(database):
    with database.writing() as s:
        result = load_demo(session=s, actor=Actor.system())
    assert result.created and result.password.startswith("Demo-")
    with database.reading() as s:
        policy = s.scalar(select(Policy))
        assert policy.demo and policy.as_of == AS_OF
        lights = set(s.scalars(select(Task.light)))
        assert {"green", "blue", "yellow", "orange", "red"} <= lights
        statuses = set(s.scalars(select(Task.status)))
        assert {"in_progress", "completed", "completed_late"} <= statuses
        assert set(s.scalars(select(Report.status))) == {"draft", "submitted", "returned", "approved"}
        assert set(s.scalars(select(Report.kind))) == {"lead", "contribution"}
        assert {(n.step, n.status) for n in s.scalars(select(Notice))} >= {("reminder", "answered"), ("blue", "open"),
                                                                          ("orange", "open")}
        assert s.scalar(select(func.count()).select_from(LightOverride)) == 1
        assert s.scalar(select(func.count()).select_from(Unit).where(Unit.kind == "county")) == 18
        assert s.scalar(select(func.count()).select_from(Task).where(Task.parent_id.is_not(None))) == 18


def test_demo_loads_once(database):
    with database.writing() as s:
        load_demo(session=s, actor=Actor.system())
    with database.writing() as s:
        again = load_demo(session=s, actor=Actor.system())
    assert not again.created
    with database.reading() as s:
        assert s.scalar(select(func.count()).select_from(Policy)) == 1
