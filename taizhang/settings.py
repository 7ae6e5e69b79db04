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

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment == "production" and self.secret_key.get_secret_value() in ("", PLACEHOLDER_SECRET):
            raise ValueError("生产环境必须设置 TAIZHANG_SECRET_KEY（不能使用默认占位密钥）。")
        if self.environment == "production" and len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("TAIZHANG_SECRET_KEY 过短：生产环境至少需要 32 个字符。")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
