"""Configuration is read in one place and refuses unsafe production defaults."""

import pytest
from pydantic import ValidationError

from taizhang.settings import PLACEHOLDER_SECRET, Settings


def test_defaults_serve_sqlite_on_localhost(monkeypatch):
    for name in ("TAIZHANG_DATABASE_URL", "TAIZHANG_HOST", "TAIZHANG_PORT", "TAIZHANG_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.database_url == "sqlite:///./taizhang.db"
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)


def test_environment_variables_override_defaults(monkeypatch):
    monkeypatch.setenv("TAIZHANG_PORT", "9001")
    monkeypatch.setenv("TAIZHANG_DATABASE_URL", "postgresql://db.example/taizhang")
    settings = Settings(_env_file=None)
    assert settings.port == 9001 and settings.database_url == "postgresql://db.example/taizhang"


def test_dotenv_file_is_honoured(tmp_path, monkeypatch):
    monkeypatch.delenv("TAIZHANG_PORT", raising=False)
    env = tmp_path / ".env"
    env.write_text("TAIZHANG_PORT=8123\n", encoding="utf-8")
    assert Settings(_env_file=env).port == 8123


@pytest.mark.parametrize("secret", [PLACEHOLDER_SECRET, "", "too-short"])
def test_production_refuses_a_placeholder_or_weak_secret(secret):
    with pytest.raises(ValidationError, match="TAIZHANG_SECRET_KEY"):
        Settings(_env_file=None, environment="production", secret_key=secret)


def test_production_accepts_a_real_secret():
    settings = Settings(_env_file=None, environment="production", secret_key="x" * 40)
    assert settings.environment == "production"


def test_development_tolerates_the_placeholder():
    assert Settings(_env_file=None, environment="development").secret_key.get_secret_value() == PLACEHOLDER_SECRET
