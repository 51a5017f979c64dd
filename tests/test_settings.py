"""Settings: environment over TOML, validation at start, refusal of the default secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from kurzum.errors import ConfigError
from kurzum.settings import Settings, get_settings


def test_environment_overrides_the_toml_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "kurzum.toml"
    config.write_text('port = 9000\nhost = "0.0.0.0"\nsession_days = 7\n', encoding="utf-8")
    monkeypatch.setenv("KURZUM_CONFIG", str(config))
    monkeypatch.setenv("KURZUM_PORT", "9100")
    settings = get_settings()
    assert settings.port == 9100
    assert settings.host == "0.0.0.0"
    assert settings.session_days == 7


def test_invalid_settings_are_one_readable_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KURZUM_PORT", "not-a-port")
    with pytest.raises(ConfigError, match="port"):
        get_settings()


def test_missing_config_file_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KURZUM_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match="missing"):
        get_settings()


def test_production_refuses_the_default_or_a_short_secret() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        get_settings(environment="production")
    with pytest.raises(ConfigError):
        get_settings(environment="production", secret_key="short")
    ok = get_settings(environment="production", secret_key="x" * 40)
    assert ok.environment == "production"


def test_default_database_is_sqlite_under_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.sqlalchemy_url == f"sqlite:///{tmp_path.resolve()}/kurzum.sqlite3"
    assert settings.embedded
    pg = Settings(database_url="postgresql+psycopg://u@h/db")
    assert not pg.embedded


def test_every_setting_is_documented() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, f"setting {name} has no description"
