"""Who may do what: one declared table of actions × roles, and the unit scope rule.

A role listed for an action may perform it. ``UNIT_SCOPED`` roles may perform it only on objects
of their own unit (a task where their unit is lead or co-unit); the service applies that scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from taizhang.errors import PermissionDenied

ADMIN, SUPERVISOR, REPORTER, LEADER = "admin", "supervisor", "reporter", "leader"
# 三权分立: the security and audit administrators are roles of their own, outside the business.
SECURITY_ADMIN, AUDIT_ADMIN = "security_admin", "audit_admin"
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
    "template.download": (frozenset({SUPERVISOR, REPORTER}), "下载进展填报模板（填报员仅限本单位）"),
    "progress.import": (frozenset({SUPERVISOR, REPORTER}),
                        "导入填好的进展填报模板，保存为草稿（填报员仅限本单位；督查室可代离线单位导入）"),
    "bulletin.create": (frozenset({SUPERVISOR}), "生成月度通报（Word、PDF）"),
    "rules.view": (EVERYONE, "查看政策兑现规则、输入说明和参数"),
    "rules.evaluate": (EVERYONE, "用政策计算器测算（单个或批量，不保存）"),
    "fulfillment.view": (frozenset({SUPERVISOR, LEADER}), "查看免申即享兑现批次、进度和脱敏名单"),
    "fulfillment.run": (frozenset({SUPERVISOR}), "上传登记信息，运行免申即享兑现批次"),
    "fulfillment.review": (frozenset({SUPERVISOR}), "审核兑现批次，公示，登记拨付或退回"),
    "fulfillment.reveal": (frozenset({SUPERVISOR}), "导出含完整身份信息的拨付清单（个人信息，须写明理由，留痕）"),
    "personal.reveal": (frozenset({SUPERVISOR}), "查看一条记录的完整个人信息（身份证号码、手机号码、姓名；须写明理由，留痕）"),
    "unit.view": (EVERYONE, "查看单位名录"),
    "user.manage": (frozenset({ADMIN}), "管理用户与单位（新增、停用；不含授予角色）"),
    "user.view": (frozenset({ADMIN, SECURITY_ADMIN}), "查看用户列表"),
    "role.grant": (frozenset({SECURITY_ADMIN}), "授予、变更用户角色"),
    "user.unlock": (frozenset({SECURITY_ADMIN}), "解除账号锁定、重置动态口令"),
    "audit.view": (frozenset({AUDIT_ADMIN}), "查看审计记录（只读）"),
    "audit.verify": (frozenset({AUDIT_ADMIN}), "校验审计记录的哈希链"),
    "backup.run": (frozenset({ADMIN}), "备份与恢复数据库"),
    "token.manage": (frozenset({ADMIN}), "管理 API 令牌"),
    "account.password": (EVERYONE | {SECURITY_ADMIN, AUDIT_ADMIN}, "修改本人密码、设置动态口令"),
    "account.session": (EVERYONE | {SECURITY_ADMIN, AUDIT_ADMIN}, "查看本人账号、退出登录"),
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
    def is_system(self) -> bool:
        return self.role == SYSTEM

    @property
    def unit_scoped(self) -> bool:
        return self.role in UNIT_SCOPED


def allowed(actor: Actor, action: str) -> bool:
    roles, _ = ACTIONS[action]
    return actor.role == SYSTEM or actor.role in roles


def require(actor: Actor, action: str) -> None:
    if not allowed(actor, action):
        raise PermissionDenied(f"当前账号（{actor.username}）无权执行此操作：{ACTIONS[action][1]}。")
