"""Chinese labels for the ledger's codes, in one place (pure: usable by exports and pages)."""

TASK_STATUSES = {
    "not_started": "未启动",
    "in_progress": "推进中",
    "completed": "已完成",
    "overdue": "逾期未完成",
    "completed_late": "逾期完成",
    "withdrawn": "已撤销",
}
UNIT_KINDS = {"department": "部门", "county": "县（市、区）", "collective": "统称", "other": "其他"}
ROLES_IN_TASK = {"lead": "牵头", "co": "配合"}
CMP_WORDS = {">=": "不低于", "<=": "不超过", ">": "超过", "<": "低于", "=": "", "range": ""}


def status_label(status: str) -> str:
    return TASK_STATUSES.get(status, status)
