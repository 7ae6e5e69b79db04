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


# ---------------------------------------------------------------- progress lights, urging, scoring
LIGHTS = ("none", "green", "blue", "yellow", "orange", "red")  # from best to worst
LIGHT_LABELS = {
    "none": "无灯",
    "green": "绿灯",
    "blue": "蓝灯",
    "yellow": "黄灯",
    "orange": "橙灯",
    "red": "红灯",
}
LIGHT_MEANINGS = {
    "none": "未启动/无需考核",
    "green": "达进度",
    "blue": "临期",
    "yellow": "轻微滞后",
    "orange": "明显滞后",
    "red": "严重滞后/逾期",
}
CADENCES = {"monthly": "每月", "weekly": "每周", "quarterly": "每季度"}
ROLLUP_RULES = {
    "auto": "自动（数量求和，比率按目标加权平均）",
    "sum": "求和",
    "weighted_mean": "按分解目标加权平均",
    "mean": "简单平均",
    "min": "取最低值",
}
URGE_REASONS = {
    "missing_report": "未按时报送进展",
    "red": "红灯（严重滞后/逾期）",
    "orange": "橙灯（明显滞后）",
    "deadline_soon": "临近完成时限",
}
NOTICE_STEPS = {
    "reminder": "催办",
    "blue": "蓝色督办单",
    "orange": "橙色督办单",
    "red": "红色督办单",
}
SCORE_KINDS = {
    "on_time": "按时报送",
    "late": "逾期报送",
    "missing": "未报送",
    "returned": "报送内容被退回",
    "yellow": "黄灯",
    "orange": "橙灯",
    "red": "红灯",
    "completed_on_time": "按期完成",
}


def light_label(light: str) -> str:
    return LIGHT_LABELS.get(light, light)

SUBTASK_KINDS = {"county": "按县（市、区）分解", "co_unit": "按配合单位分解", "item": "按工作事项分解"}
