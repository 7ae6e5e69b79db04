"""Who may do what: one declared table of actions × roles, and the unit scope rule.

A role listed for an action may perform it. ``UNIT_SCOPED`` roles may perform it only on objects
of their own unit (a task where their unit is lead or co-unit); the service applies that scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from taizhang.errors import PermissionDenied

ADMIN, SUPERVISOR, REPORTER, LEADER = "admin", "supervisor", "reporter", "leader"
# The command line run on the server itself: trusted like the machine's operator.
SYSTEM = "system"
EVERYONE = frozenset({ADMIN, SUPERVISOR, REPORTER, LEADER})

# action → (roles allowed, description shown in docs and errors). Reporters act within their unit's
# scope (see UNIT_SCOPED); the office and leaders see every unit.
ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    "policy.view": (EVERYONE, "查看政策文件及其措施"),
    "policy.import": (frozenset({ADMIN, SUPERVISOR}), "导入政策文件"),
    "policy.configure": (frozenset({SUPERVISOR}), "设置报送周期、预警阈值和考核分值"),
    "task.view": (EVERYONE, "查看任务（填报员仅限本单位）"),
    "task.decompose": (frozenset({SUPERVISOR, REPORTER}), "分解任务（填报员仅限本单位牵头的任务）"),
    "task.assign": (frozenset({SUPERVISOR}), "调整任务的责任单位"),
    "task.close": (frozenset({SUPERVISOR}), "任务办结"),
    "report.view": (EVERYONE, "查看进展报告（填报员仅限本单位）"),
    "report.write": (frozenset({REPORTER}), "填写、报送本单位的进展报告"),
    "report.review": (frozenset({SUPERVISOR}), "审核进展报告（通过或退回）"),
    "attachment.upload": (frozenset({REPORTER}), "为本单位的进展报告上传佐证材料"),
    "attachment.download": (EVERYONE, "下载佐证材料（填报员仅限本单位）"),
    "light.override": (frozenset({SUPERVISOR}), "人工调整预警灯（须写明理由）"),
    "urge.view": (frozenset({SUPERVISOR, LEADER}), "查看需要催办督办的事项"),
    "notice.issue": (frozenset({SUPERVISOR}), "发出催办、督办单"),
    "notice.view": (EVERYONE, "查看催办、督办单（填报员仅限本单位）"),
    "notice.reply": (frozenset({REPORTER}), "答复本单位收到的催办、督办单"),
    "notice.close": (frozenset({SUPERVISOR}), "办结督办单"),
    "score.view": (EVERYONE, "查看考核得分与排名"),
    "ledger.export": (frozenset({ADMIN, SUPERVISOR, LEADER, REPORTER}), "导出台账（填报员仅限本单位）"),
    "unit.view": (EVERYONE, "查看单位名录"),
    "user.manage": (frozenset({ADMIN}), "管理用户与单位"),
    "token.manage": (frozenset({ADMIN}), "管理 API 令牌"),
    "account.password": (EVERYONE, "修改本人密码"),
    "account.session": (EVERYONE, "查看本人账号、退出登录"),
}
UNIT_SCOPED = frozenset({REPORTER})


@dataclass(frozen=True)
class Actor:
    """The person (or process) acting: carried into services for permission and audit."""

    user_id: int | None
    username: str
    role: str
    unit_id: int | None = None
    source_ip: str | None = None

    @classmethod
    def system(cls, name: str = "cli") -> Actor:
        return cls(user_id=None, username=name, role=SYSTEM)

    @property
    def unit_scoped(self) -> bool:
        return self.role in UNIT_SCOPED


def allowed(actor: Actor, action: str) -> bool:
    roles, _ = ACTIONS[action]
    return actor.role == SYSTEM or actor.role in roles


def require(actor: Actor, action: str) -> None:
    if not allowed(actor, action):
        raise PermissionDenied(f"当前账号（{actor.username}）无权执行此操作：{ACTIONS[action][1]}。")
