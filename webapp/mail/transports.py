"""How a message leaves eCAF: by SMTP (CAF_SMTP_HOST and the settings beside it), or, in the
embedded default, as an `.eml` file in the outbox folder (`instance/outbox/`)."""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from flask import Flask


class TemporaryFailure(Exception):
    """Worth trying again later: the server is down, busy, or said "4xx"."""


class PermanentFailure(Exception):
    """Trying again will not help: the server refused the message or its recipient ("5xx")."""


class Connection(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class Transport(Protocol):
    def connect(self) -> AbstractContextManager[Connection]: ...


TLS_CHOICES = ("starttls", "tls", "none")


def _smtp_error(error: smtplib.SMTPException) -> Exception:
    """A failure named by its SMTP reply code only: the server's words may quote addresses."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        code = codes[0] if codes else 0
        what = "recipient refused"
    else:
        code = getattr(error, "smtp_code", 0) or 0
        what = type(error).__name__
    described = f"SMTP {code} ({what})" if code else what
    if 500 <= code < 600 and not isinstance(error, smtplib.SMTPAuthenticationError):
        return PermanentFailure(described)
    return TemporaryFailure(described)


class SmtpConnection:
    def __init__(self, smtp: smtplib.SMTP) -> None:
        self.smtp = smtp

    def send(self, message: EmailMessage) -> None:
        try:
            self.smtp.send_message(message)
        except smtplib.SMTPServerDisconnected as error:
            raise TemporaryFailure("the mail server closed the connection") from error
        except smtplib.SMTPException as error:
            raise _smtp_error(error) from error
        except OSError as error:
            raise TemporaryFailure(f"connection lost ({type(error).__name__})") from error


class SmtpTransport:
    def __init__(
        self,
        host: str,
        port: int,
        tls: str,
        username: str | None,
        password: str | None,
        timeout: float,
        ca_file: str | None = None,
    ) -> None:
        if tls not in TLS_CHOICES:
            raise ValueError(f"CAF_SMTP_TLS must be one of {', '.join(TLS_CHOICES)}, not {tls!r}")
        self.host, self.port, self.tls = host, port, tls
        self.username, self.password, self.timeout = username, password, timeout
        self.ca_file = ca_file

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)

    def _open(self) -> smtplib.SMTP:
        if self.tls == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self._context()
            )
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if self.tls == "starttls":
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, self.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    @contextmanager
    def connect(self) -> Iterator[SmtpConnection]:
        try:
            smtp = self._open()
        except smtplib.SMTPException as error:
            raise _smtp_error(error) from error
        except (OSError, ssl.SSLError) as error:
            raise TemporaryFailure(
                f"could not connect to the mail server ({type(error).__name__})"
            ) from error
        try:
            yield SmtpConnection(smtp)
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


class FileConnection:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        # The Message-ID is unique: "<stamp.pid.random@domain>".
        name = message["Message-ID"].strip("<>").split("@")[0].replace("/", "_") + ".eml"
        partial = self.folder / f".{name}.partial"
        # A message may hold a single-use link: readable by the app's own user only.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(message.as_bytes())
        partial.rename(self.folder / name)


class FileTransport:
    """The embedded default: each message becomes a file to open with any mail program."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    @contextmanager
    def connect(self) -> Iterator[FileConnection]:
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            raise TemporaryFailure(
                f"cannot write the outbox folder ({type(error).__name__})"
            ) from error
        yield FileConnection(self.folder)


def for_app(app: Flask) -> SmtpTransport | FileTransport:
    config = app.config
    if not config.get("SMTP_HOST"):
        return FileTransport(config["MAIL_OUTBOX_FOLDER"])
    return SmtpTransport(
        host=config["SMTP_HOST"],
        port=int(config["SMTP_PORT"]),
        tls=str(config["SMTP_TLS"]).strip().lower(),
        username=config.get("SMTP_USERNAME") or None,
        password=config.get("SMTP_PASSWORD") or None,
        timeout=float(config["SMTP_TIMEOUT_SECONDS"]),
        ca_file=config.get("SMTP_CA_FILE") or None,
    )
