"""The audit key is held outside the database: CAF_AUDIT_KEY, or a file generated once into
the instance folder, readable by its owner only, and never the session secret key."""

import os
import stat

import pytest

from webapp import create_app


@pytest.fixture
def instance(tmp_path, monkeypatch):
    monkeypatch.setenv("CAF_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("CAF_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    for variable in ("CAF_SECRET_KEY", "CAF_AUDIT_KEY", "CAF_AUDIT_ANCHOR_PATH"):
        monkeypatch.delenv(variable, raising=False)
    return tmp_path


def test_the_audit_key_is_generated_once_into_the_instance_folder(instance):
    first = create_app()
    second = create_app()

    key_file = instance / "audit_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert first.config["AUDIT_KEY"] == second.config["AUDIT_KEY"] == key_file.read_text()
    assert len(first.config["AUDIT_KEY"]) >= 64
    assert first.config["AUDIT_KEY"] != first.config["SECRET_KEY"]
    assert first.config["AUDIT_ANCHOR_PATH"] == str(instance / "audit-anchors.log")


def test_the_audit_key_and_anchors_file_can_come_from_the_environment(instance, monkeypatch):
    monkeypatch.setenv("CAF_AUDIT_KEY", "k" * 40)
    monkeypatch.setenv("CAF_AUDIT_ANCHOR_PATH", "/var/lib/ecaf-anchors/anchors.log")

    app = create_app()

    assert app.config["AUDIT_KEY"] == "k" * 40
    assert app.config["AUDIT_ANCHOR_PATH"] == "/var/lib/ecaf-anchors/anchors.log"
    assert not (instance / "audit_key").exists()


def test_an_audit_key_that_is_the_session_secret_key_stops_the_app(instance, monkeypatch):
    monkeypatch.setenv("CAF_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("CAF_AUDIT_KEY", "s" * 40)

    with pytest.raises(ValueError, match="CAF_AUDIT_KEY must differ from the session secret"):
        create_app()


def test_a_short_audit_key_stops_the_app(instance, monkeypatch):
    monkeypatch.setenv("CAF_AUDIT_KEY", "short")

    with pytest.raises(ValueError, match="at least 32 characters"):
        create_app()
