"""Small factories for 免申即享 tests: registry extracts as CSV bytes (enterprises for 稳岗返还; people with
names, ID numbers and phone numbers for 以工代训), a computed and approved batch, the web app."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from taizhang.auth.permissions import Actor
from taizhang.benefits import rule_book
from taizhang.fulfillment import service
from taizhang.jobs.worker import run_worker
from taizhang.privacy.crypto import DataKey, load_key

EVALUATED_ON = date(2020, 9, 1)
HEADER = "统一社会信用代码,单位名称,企业规模,参加失业保险,裁员率,上年度实际缴纳失业保险费（元）,已享受一般企业稳岗返还（元）"
# Expected by hand from measure (一): 100% of the premium, less the general refund, never below 0.
EXTRACT_ROWS = [
    "91360702MA35F0XX1X,赣州甲机械有限公司,小型,是,3,120000.00,30000",  # 90,000.00
    "91360700MA35000A0H,赣州乙电子有限公司,中型,是,5.5,50000,",  # 50,000.00 (exactly 5.5%)
    "91360702MA35F0XX2Y,校验码错误公司,中型,是,1,5000,",  # bad check character → error row
    "91360700MA35000A0H,赣州乙电子有限公司,中型,是,1,5000,",  # the same enterprise again → error row
    "91360700000000000L,赣州丙大型集团,大型,是,1,5000,",  # large enterprise → not eligible
]


# 以工代训 (二): people hired by enterprises. ID numbers' check digits by hand (GB 11643—1999, weights
# 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, sum mod 11 → "10X98765432"):
#   36070219900101123 → sum 219, 219 mod 11 = 10 → "2";  36070219920315002 → 255 mod 11 = 2 → "X";
#   36070219851120004 → 236 mod 11 = 5 → "7".
PEOPLE_HEADER = ("统一社会信用代码,单位名称,企业规模,姓名,身份证号码,联系电话,登记失业人员,入职日期,劳动合同期限,"
                 "连续工作月数")
PEOPLE = {  # the personal values of PEOPLE_ROWS, none of which may be stored or shown in the clear
    "names": ["陈静怡", "王建国", "刘晓燕", "赵卫东"],
    "id_numbers": ["360702199001011232", "36070219920315002X", "360702198511200047", "360702199001011233"],
    "phones": ["13812345678", "15987654321", "1381234567", "12012345678"],
}
PEOPLE_ROWS = [
    "91360702MA35F0XX1X,赣州甲机械有限公司,小型,陈静怡,360702199001011232,138 1234 5678,是,2020-07-01,12,2",  # 1,200
    "91360702MA35F0XX1X,赣州甲机械有限公司,小型,王建国,36070219920315002X,+86 159-8765-4321,是,2020-05-01,12,3",  # 1,800
    "91360702MA35F0XX1X,赣州甲机械有限公司,小型,刘晓燕,360702198511200047,1381234567,是,2020-07-01,12,2",  # 10 digits
    "91360702MA35F0XX1X,赣州甲机械有限公司,小型,赵卫东,360702199001011233,12012345678,是,2020-07-01,12,2",  # 2 bad
    "91360702MA35F0XX1X,赣州甲机械有限公司,小型,陈静怡,360702199001011232,13812345678,是,2020-07-01,12,2",  # again
    "91360700MA35000A0H,赣州乙电子有限公司,大型,刘晓燕,360702198511200047,,是,2020-07-01,12,2",  # large: not eligible
]


def extract_csv(rows: list[str] | None = None, header: str = HEADER) -> bytes:
    return ("\n".join([header, *(EXTRACT_ROWS if rows is None else rows)]) + "\n").encode("utf-8")


def people_csv() -> bytes:
    return extract_csv(PEOPLE_ROWS, PEOPLE_HEADER)


def data_key(folder: Path) -> DataKey:
    """The personal-data key of a test's data directory (the web app under test reads the same file)."""
    return load_key(folder / "data.key", create=True)


def office(world) -> Actor:
    return world.office


def computed_job(session, actor: Actor, storage: Path, *, key: DataKey, approve: bool = False,
                 rows: list[str] | None = None, rule: str = "job_retention_refund", data: bytes | None = None):
    job = service.create_job(rule, "登记信息.csv", data if data is not None else extract_csv(rows), session=session,
                             actor=actor, on=EVALUATED_ON, storage=storage)
    service.run_job(job.id, session=session, actor=actor, storage=storage, key=key)
    if approve:
        service.review_job(job.id, "approved", session=session, actor=actor, note="核对无误")
    return job


def fulfillment_ids(session, world, data_dir: Path) -> dict:
    """A computed, approved batch with payouts, for the permission matrix."""
    key = data_key(data_dir)
    job = computed_job(session, world.office, data_dir / "fulfillment", key=key, approve=True)
    payouts, _ = service.list_payouts(job.id, session=session, actor=world.office, key=key)
    return {"job_id": job.id, "payout_id": payouts[0].id}


def route_examples(ids: dict) -> dict:
    """Example request bodies for every write route of 政策兑现 and 免申即享."""
    examples: dict = {
        ("POST", "/api/v1/rules/match"): {"json": {"profile": {"size": "小型", "insured": "是"}, "date": "2020-09-01"}},
        ("POST", "/api/v1/fulfillment/jobs"): {"data": {"rule": "job_retention_refund", "date": "2020-09-01"},
                                               "files": {"file": ("登记信息.csv", extract_csv(EXTRACT_ROWS[:1]),
                                                                  "text/csv")}},
        ("POST", "/api/v1/fulfillment/jobs/{job_id}/review"): {"json": {"decision": "approved"}},
        ("POST", "/api/v1/fulfillment/jobs/{job_id}/publish"): {},
        ("POST", "/api/v1/fulfillment/payouts/{payout_id}/status"): {"json": {"status": "published"}},
        ("POST", "/api/v1/fulfillment/payouts/{payout_id}/reveal"): {"json": {"reason": "核对开户信息"}},
        ("POST", "/api/v1/fulfillment/lookup"): {"json": {"rule": "job_retention_refund",
                                                          "applicant": {"credit_code": "91360702MA35F0XX1X"}}},
        ("POST", "/fulfillment"): {"data": {"rule": "job_retention_refund", "date": "2020-09-01"},
                                   "files": {"file": ("登记信息.csv", extract_csv(EXTRACT_ROWS[:1]), "text/csv")}},
        ("POST", "/fulfillment/{job_id}/review"): {"data": {"decision": "approved", "note": "核对无误"}},
        ("POST", "/fulfillment/{job_id}/publish"): {},
        ("POST", "/fulfillment/{job_id}/payouts/{payout_id}/status"): {"data": {"status": "published"}},
        ("POST", "/fulfillment/{job_id}/payouts/{payout_id}/reveal"): {"data": {"reason": "核对开户信息"}},
    }
    for bound in rule_book():
        name, example = bound.rule.name, bound.rule.example
        examples[("POST", f"/api/v1/rules/{name}/evaluate")] = {"json": {"inputs": example, "date": "2020-09-01"}}
        examples[("POST", f"/api/v1/rules/{name}/batch")] = {"json": {"rows": [example], "date": "2020-09-01"}}
        examples[("POST", f"/rules/{name}")] = {"data": {**example, "date": "2020-09-01"}}
    return examples


def api_site(database, data_dir: Path, **settings):
    """The web app over ``database`` with a token per role: returns (app, {role: token}, users)."""
    from taizhang.auth import service as accounts
    from taizhang.auth.models import User
    from taizhang.web.app import create_app
    from tests.conftest import app_settings

    tokens, users = {}, {}
    with database.writing() as s:
        for role in ("supervisor", "leader", "reporter", "admin"):
            user = User(username=f"{role}1", display_name=role, password_hash="x", role=role)
            s.add(user)
            s.flush()
            users[role] = user.id
            _, tokens[role] = accounts.create_token(user.id, role, session=s, actor=Actor.system())
        s.commit()
    app = create_app(app_settings(data_dir, **settings), database)
    return app, tokens, users


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def run_batches(client, job_id, headers) -> dict:
    """Run the queued jobs as a worker would (the test app runs no worker thread), then the batch as
    the API shows it."""
    state = client.app.state
    run_worker(state.database, settings=state.settings, until_idle=True, daily=False)
    job = client.get(f"/api/v1/fulfillment/jobs/{job_id}", headers=headers).json()
    assert job["status"] in ("completed", "failed"), job
    return job
