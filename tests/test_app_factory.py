import os
import stat

from webapp import create_app


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CAF_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("CAF_SECRET_KEY", raising=False)
    monkeypatch.setenv("CAF_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")

    first = create_app()
    second = create_app()

    key_file = tmp_path / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) >= 64


def test_environment_variables_override_instance_config(tmp_path, monkeypatch):
    monkeypatch.setenv("CAF_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "config.py").write_text(
        "DATABASE_URL = 'sqlite:///from-config-file.sqlite3'\nSESSION_IDLE_MINUTES = 10\n"
    )
    monkeypatch.setenv("CAF_SESSION_IDLE_MINUTES", "45")
    monkeypatch.delenv("CAF_DATABASE_URL", raising=False)

    app = create_app()

    assert app.config["DATABASE_URL"] == "sqlite:///from-config-file.sqlite3"
    assert app.config["SESSION_IDLE_MINUTES"] == 45


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CAF_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("CAF_DATABASE_URL", raising=False)

    app = create_app()

    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'ecaf.sqlite3'}"


def test_session_cookies_are_secure_httponly_and_samesite_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("CAF_INSTANCE_PATH", str(tmp_path))
    for variable in ("CAF_SESSION_COOKIE_SECURE", "CAF_DATABASE_URL"):
        monkeypatch.delenv(variable, raising=False)

    app = create_app()

    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
