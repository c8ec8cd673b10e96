"""E-mail really sent: to a real SMTP server the test starts, after the change it tells of
has committed; kept in the outbox and sent later when the server is away; backed off,
given up, never sent twice. Through HTTP where a person's action queues it."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.conftest import sign_in
from tests.factories import make_borough, make_organisation, make_user
from tests.mailbox import SmtpServer, html_of, link_in, outbox_folder, text_of, written
from webapp import db
from webapp.access.permissions import Role
from webapp.accounts.models import User
from webapp.db import utcnow
from webapp.mail import messages, outbox
from webapp.mail.models import MailKind, MailStatus, OutboxMessage

NEW = "/admin/users/new"


@pytest.fixture
def admin(app):
    borough = make_borough("eastmoor", name="Eastmoor Council")
    school = make_organisation(borough, name="Eastmoor Primary School")
    user = make_user(school, Role.BOROUGH_ADMIN)
    db.session.commit()
    return user


def new_account(client, admin, email="nia.okafor@eastmoor.example"):
    return client.post_form(
        NEW,
        {
            "full_name": "Nia Okafor",
            "email": email,
            "organisation": str(admin.organisation_id),
            "roles": ["practitioner"],
            "caf_trained": "yes",
        },
    )


def outbox_rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def make_due() -> None:
    """Time passes: every queued message's next attempt falls due."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == MailStatus.QUEUED)
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


def test_a_message_arrives_at_a_real_mail_server_with_its_headers_and_both_parts(
    app, client, admin, mail_server
):
    sign_in(client, admin)
    response = new_account(client, admin)
    assert response.status_code == 302

    [message] = mail_server.wait_for(1)
    [(recipients, _)] = mail_server.received
    assert recipients == ["nia.okafor@eastmoor.example"]
    assert message["To"] == "nia.okafor@eastmoor.example"
    assert message["From"] == app.config["MAIL_FROM"]
    assert message["Subject"] == "Set your password for eCAF"
    assert message["Message-ID"] and message["Date"]
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    path = link_in(message)
    assert path.startswith("/account/set-password/")
    assert f'href="https://localhost{path}"' in html_of(message)
    assert "Hello Nia Okafor" in text_of(message) and "Nia Okafor" in html_of(message)
    [row] = outbox_rows()
    assert (row.status, row.attempts, row.kind) == (MailStatus.SENT, 1, MailKind.SET_PASSWORD)
    assert row.sent_at is not None
    # The link worked once and is gone from the database with the message's bodies.
    assert row.text_body is None and row.html_body is None


def test_with_the_server_down_the_change_is_kept_and_the_message_sent_when_it_is_back(
    app, client, admin, mail_server, runner_cli
):
    mail_server.stop()
    sign_in(client, admin)

    response = new_account(client, admin)

    assert response.status_code == 302
    account = db.session.scalars(
        select(User).where(User.email == "nia.okafor@eastmoor.example")
    ).one()
    [row] = outbox_rows()
    assert (row.status, row.attempts, row.recipient) == (MailStatus.QUEUED, 1, account.email)
    assert "could not connect" in row.last_error
    assert row.next_attempt_at > utcnow()  # backed off: not before a minute has passed
    early = runner_cli.invoke(args=["caf", "mail", "send"])
    assert "0 sent" in early.output and "1 queued" in early.output

    mail_server.start()
    make_due()
    result = runner_cli.invoke(args=["caf", "mail", "send"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 sent, 0 to retry, 0 failed; 0 queued."
    [message] = mail_server.wait_for(1)
    assert message["To"] == account.email
    assert outbox_rows()[0].status is MailStatus.SENT
    # The link in the late message works.
    assert client.get(link_in(message)).status_code == 200


def test_each_failed_attempt_waits_longer_and_the_message_is_given_up_in_the_end(
    app, client, admin, mail_server
):
    mail_server.stop()
    sign_in(client, admin)
    new_account(client, admin)
    [row] = outbox_rows()
    # Longer than the link lives would expire it first: this message has no expiry.
    row.expires_at = None
    db.session.commit()
    assert row.next_attempt_at - row.last_attempt_at == timedelta(minutes=1)
    waits = []
    now = row.next_attempt_at
    while row.status is MailStatus.QUEUED:
        outbox.deliver(db.session, [row.id], now=now)
        row = outbox_rows()[0]
        waits.append(row.next_attempt_at - now)
        now = row.next_attempt_at
    # After attempts 2 to 9; the tenth gives up.
    assert waits[:-1] == [
        timedelta(minutes=5),
        timedelta(minutes=15),
        timedelta(hours=1),
        timedelta(hours=3),
        timedelta(hours=6),
        timedelta(hours=12),
        timedelta(hours=12),
        timedelta(hours=12),
    ]
    assert (row.status, row.attempts) == (MailStatus.FAILED, outbox.MAX_ATTEMPTS)
    assert "gave up" in row.last_error
    assert row.text_body is None and row.html_body is None


def test_a_message_whose_link_has_expired_is_given_up_not_sent(
    app, client, admin, mail_server, runner_cli
):
    mail_server.stop()
    sign_in(client, admin)
    new_account(client, admin)
    mail_server.start()
    [row] = outbox_rows()
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    make_due()

    result = runner_cli.invoke(args=["caf", "mail", "send"])

    assert result.exit_code == 1  # cron tells the operator
    assert "1 failed" in result.output
    assert outbox_rows()[0].status is MailStatus.FAILED
    assert mail_server.messages == []


def test_a_recipient_refused_for_good_is_not_tried_again(app, client, admin):
    server = SmtpServer(refuse={"nobody@eastmoor.example"})
    server.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_TLS="none")
    try:
        sign_in(client, admin)
        new_account(client, admin, email="nobody@eastmoor.example")
    finally:
        server.stop()
    [row] = outbox_rows()
    assert (row.status, row.attempts) == (MailStatus.FAILED, 1)
    assert row.last_error == "SMTP 550 (recipient refused)"
    assert "nobody@" not in row.last_error


def test_a_message_claimed_by_one_sender_is_not_sent_by_another(app, admin, mail_server):
    message = messages.compose(
        MailKind.ROLES_CHANGED, full_name=admin.full_name, roles=["Borough administrator"]
    )
    queued = outbox.queue(db.session, message, admin.email, recipient_user_id=admin.id)
    db.session.commit()
    now = utcnow()

    first = outbox.deliver(db.session, [queued.id], now=now)
    second = outbox.deliver(db.session, [queued.id], now=now)
    later = outbox.deliver_due(db.session, now=now + timedelta(hours=1))

    assert first.sent == [queued.id]
    assert second.sent == [] and later.sent == []
    assert len(mail_server.wait_for(1)) == 1


def test_a_message_queued_in_a_transaction_that_rolls_back_is_never_sent(app, client, admin):
    taken = make_user(admin.organisation, email="taken@eastmoor.example")
    db.session.commit()
    sign_in(client, admin)

    response = new_account(client, admin, email=taken.email.upper())

    assert response.status_code == 200  # "An account with this email address already exists"
    assert outbox_rows() == []
    assert written(app) == []


def test_the_embedded_default_writes_each_message_as_a_file_only_its_owner_reads(
    app, client, admin
):
    assert not app.config.get("SMTP_HOST")
    sign_in(client, admin)
    new_account(client, admin)
    [message] = written(app)
    assert message["To"] == "nia.okafor@eastmoor.example"
    assert link_in(message).startswith("/account/set-password/")
    folder = outbox_folder(app)
    assert folder == __import__("pathlib").Path(app.instance_path) / "outbox"
    [path] = list(folder.glob("*.eml"))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert outbox_rows()[0].status is MailStatus.SENT


def test_links_in_messages_come_from_the_configured_address_not_the_request(app, client, admin):
    app.config["SERVICE_URL"] = "https://ecaf.eastmoor.example/caf"
    sign_in(client, admin)
    client.post_form(
        NEW,
        {
            "full_name": "Nia Okafor",
            "email": "nia.okafor@eastmoor.example",
            "organisation": str(admin.organisation_id),
            "roles": ["practitioner"],
            "caf_trained": "yes",
        },
    )
    [message] = written(app)
    assert "https://ecaf.eastmoor.example/caf/account/set-password/" in text_of(message)
    assert "https://localhost" not in message.as_string()


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1, made with openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        if os.environ.get("CI") == "true":
            pytest.fail("openssl is needed in CI to make the test certificate")
        pytest.skip("openssl is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def test_starttls_and_credentials_from_configuration(app, client, admin, certificate):
    import ssl

    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins = []

    def authenticator(_server, _session, _envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        logins.append((mechanism, auth_data.login, auth_data.password))
        ok = (auth_data.login, auth_data.password) == (b"ecaf", b"relay-secret")
        return AuthResult(success=ok)

    server = SmtpServer(
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
    )
    server.start()
    app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=server.port,
        SMTP_TLS="starttls",
        SMTP_USERNAME="ecaf",
        SMTP_PASSWORD="relay-secret",
        SMTP_CA_FILE=str(cert),
    )
    try:
        sign_in(client, admin)
        new_account(client, admin)
        [message] = server.wait_for(1)
    finally:
        server.stop()
    assert message["To"] == "nia.okafor@eastmoor.example"
    assert [(login, password) for _, login, password in logins] == [(b"ecaf", b"relay-secret")]
    assert outbox_rows()[0].status is MailStatus.SENT


def test_a_mail_server_whose_certificate_is_not_trusted_gets_nothing(
    app, client, admin, certificate
):
    import ssl

    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = SmtpServer(tls_context=context, require_starttls=True)
    server.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_TLS="starttls")
    try:
        sign_in(client, admin)
        response = new_account(client, admin)
    finally:
        server.stop()
    assert response.status_code == 302
    assert server.messages == []
    [row] = outbox_rows()
    assert row.status is MailStatus.QUEUED and "SSLCertVerificationError" in row.last_error
