"""Configuration: the only module that reads the environment.

Order: environment variables (prefix ``TAIZHANG_``) → ``.env`` in the working directory → defaults.
An unsafe placeholder secret is refused outside development and test.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TAIZHANG_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        "development", description="运行环境：development（开发）、test（测试）或 production（生产）"
    )
    database_url: str = Field("sqlite:///./taizhang.db", description="数据库地址（SQLite 文件或 PostgreSQL）")
    secret_key: SecretStr = Field(SecretStr(PLACEHOLDER_SECRET), description="签名密钥；生产环境必须修改")
    host: str = Field("127.0.0.1", description="Web 服务监听地址")
    port: int = Field(8000, ge=1, le=65535, description="Web 服务端口")
    data_dir: Path = Field(Path("var"), description="附件与导出文件的存放目录（不在网站根目录下）")
    session_idle_minutes: int = Field(30, ge=1, description="会话空闲超时（分钟）")
    session_absolute_hours: int = Field(12, ge=1, description="会话绝对超时（小时）")
    upload_max_bytes: int = Field(20 * 1024 * 1024, ge=1024, description="单个上传文件大小上限（字节）")
    password_min_length: int = Field(12, ge=8, le=128, description="密码最短长度")
    password_min_classes: int = Field(3, ge=1, le=4, description="密码至少包含的字符类别数（大写、小写、数字、符号）")
    password_max_age_days: int = Field(90, ge=0, description="密码有效期（天），0 表示不过期")
    password_history: int = Field(5, ge=0, le=24, description="不得与最近几次用过的密码相同")
    lockout_threshold: int = Field(5, ge=1, description="在统计窗口内连续输错几次锁定账号")
    lockout_window_minutes: int = Field(15, ge=1, description="输错次数的统计窗口（分钟）")
    lockout_minutes: int = Field(30, ge=1, description="账号锁定时长（分钟）")
    second_factor_roles: str = Field(
        "admin,security_admin,audit_admin,supervisor", description="必须启用动态口令（TOTP）的角色，逗号分隔"
    )
    data_key_file: Path | None = Field(
        None, description="个人信息加密密钥文件（不放在数据库中；默认为数据目录下的 data.key，请与数据库分开备份）"
    )
    rate_limit_per_minute: int = Field(600, ge=10, description="每个用户每分钟的请求上限")
    login_rate_per_minute: int = Field(120, ge=3, description="每个 IP 地址每分钟未登录请求（登录页、登录、动态口令）的上限")
    background_jobs: bool = Field(True, description="Web 服务进程同时运行后台任务（如免申即享批次测算）")

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment == "production" and self.secret_key.get_secret_value() in ("", PLACEHOLDER_SECRET):
            raise ValueError("生产环境必须设置 TAIZHANG_SECRET_KEY（不能使用默认占位密钥）。")
        if self.environment == "production" and len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("TAIZHANG_SECRET_KEY 过短：生产环境至少需要 32 个字符。")
        return self

    @property
    def key_file(self) -> Path:
        return self.data_key_file or self.data_dir / "data.key"

    @property
    def second_factor_role_set(self) -> frozenset[str]:
        return frozenset(r.strip() for r in self.second_factor_roles.split(",") if r.strip())

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
