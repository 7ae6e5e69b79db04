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

# action → (roles allowed, description shown in docs and errors)
ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    "policy.view": (EVERYONE, "查看政策文件及其措施"),
    "policy.import": (frozenset({ADMIN, SUPERVISOR}), "导入政策文件"),
    "task.view": (EVERYONE, "查看任务（填报员仅限本单位）"),
    "ledger.export": (frozenset({ADMIN, SUPERVISOR, LEADER, REPORTER}), "导出台账（填报员仅限本单位）"),
    "user.manage": (frozenset({ADMIN}), "管理用户与单位"),
    "account.password": (EVERYONE, "修改本人密码"),
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
