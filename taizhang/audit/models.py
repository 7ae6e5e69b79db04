"""The audit trail: one row per security or business event, never updated or deleted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from taizhang.db.base import Base, JSONType, UTCDateTime, utcnow

ACTION_LABELS = {
    "policy.import": "导入政策文件", "policy.configure": "修改台账设置", "user.create": "创建用户",
    "login.success": "登录成功", "login.failure": "登录失败", "logout": "退出登录", "password.change": "修改密码",
    "report.save": "保存进展", "report.submit": "报送进展", "report.approved": "审核通过", "report.returned": "退回修改",
    "attachment.upload": "上传佐证材料", "attachment.download": "下载佐证材料", "notice.issue": "发出催办督办单",
    "notice.read": "阅读督办单", "notice.reply": "答复督办单", "notice.close": "办结督办单",
    "light.override": "人工调整预警灯", "task.decompose": "分解任务", "task.assign": "调整责任单位",
    "task.close": "任务办结", "ledger.export": "导出台账", "token.create": "创建 API 令牌", "token.revoke": "吊销 API 令牌",
    "unit.create": "新增单位", "login.lockout": "账号锁定", "session.timeout": "会话超时",
    "totp.enrol": "生成动态口令密钥", "totp.enable": "启用动态口令", "totp.success": "动态口令验证通过",
    "totp.failure": "动态口令错误", "totp.reset": "重置动态口令", "role.grant": "变更角色",
    "user.disable": "停用账号", "user.enable": "启用账号", "user.unlock": "解除锁定",
    "backup.create": "备份数据库", "backup.restore": "恢复数据库", "audit.verify": "校验审计链",
    "personal.reveal": "查看完整个人信息", "settings.change": "修改系统设置",
}


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_name: Mapped[str] = mapped_column(String(64))  # "cli", a username, or "system"
    actor_role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(64))  # policy.import, user.create, login.success …
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16), default="success")
    source_ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    request_id: Mapped[str | None] = mapped_column(String(40))
    # Tamper evidence: each record's hash covers its fields and the previous record's hash.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
