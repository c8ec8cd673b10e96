"""Reading the e-mail the app sent: from a real SMTP server the tests start (aiosmtpd, on
a free port), or from the outbox folder the embedded default writes `.eml` files to."""

from __future__ import annotations

import re
import socket
import threading
import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Keeper:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(self, _server, _session, envelope, address, _options):  # noqa: N802
        if address in self.server.refuse:
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 - aiosmtpd's name
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        with self.server.lock:
            self.server.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server in this process; `received` is (recipients, message) per message."""

    def __init__(
        self, port: int | None = None, refuse: set[str] | None = None, **controller_options
    ) -> None:
        self.port = port or free_port()
        self.refuse = refuse or set()
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.lock = threading.Lock()
        self.options = controller_options
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(
            _Keeper(self), hostname="127.0.0.1", port=self.port, **self.options
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [message for _, message in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [message for recipients, message in self.received if address in recipients]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


def outbox_folder(app) -> Path:
    return Path(app.config["MAIL_OUTBOX_FOLDER"])


def written(app) -> list[EmailMessage]:
    """The messages the embedded default wrote to the outbox folder, oldest first."""
    folder = outbox_folder(app)
    if not folder.exists():
        return []
    files = sorted(folder.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
    return [BytesParser(policy=policy.default).parsebytes(path.read_bytes()) for path in files]


def written_to(app, address: str) -> list[EmailMessage]:
    return [message for message in written(app) if message["To"] == address]


def delivered_to(app, address: str, count: int = 1, timeout: float = 45.0) -> list[EmailMessage]:
    """The messages written to `address`, waiting (up to `timeout` seconds) for `count` of
    them: a live server delivers after its response has gone, so a browser can be quicker,
    and on SQLite the delivery waits its turn to write (up to the 30-second busy timeout)
    while the browser's next pages are served."""
    deadline = time.monotonic() + timeout
    while len(found := written_to(app, address)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message: EmailMessage, path_prefix: str = "/account/set-password/") -> str:
    """The path of the first link to `path_prefix` in the message's text."""
    found = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[^\s]+)", text_of(message))
    assert found, f"no link to {path_prefix} in the message"
    return found.group(1)


def last_link_to(app, address: str, path_prefix: str = "/account/set-password/") -> str:
    messages = written_to(app, address)
    assert messages, f"no message was written to {address}"
    return link_in(messages[-1], path_prefix)
