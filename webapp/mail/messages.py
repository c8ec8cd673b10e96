"""What each kind of e-mail says, in GOV.UK Notify's plain style, as text and HTML.

An e-mail is less safe than the service: it may be forwarded, read over a shoulder or kept
for years. So no message names a child or says anything of a child's record beyond the
CAF's reference: it says what happened and links to the service, where the person signs
in to see what they may see. Links are built from CAF_SERVICE_URL, never from the address
a request came to (which anyone can set)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

from webapp.mail.models import MailKind

SUBJECTS = {
    MailKind.SET_PASSWORD: "Set your password for {service_name}",
    MailKind.PASSWORD_RESET: "Reset your {service_name} password",
    MailKind.TAC_INVITATION: "You have been invited to join a team around the child",
    MailKind.CLOSURE_APPROVED: "Closure of CAF {reference} approved",
    MailKind.CLOSURE_SENT_BACK: "Closure of CAF {reference} sent back",
    MailKind.REMINDER: "CAF reminder: {reference}",
    MailKind.ROLES_CHANGED: "Your {service_name} roles have changed",
    MailKind.TWO_FACTOR_RESET: "Your {service_name} two-factor sign-in has been reset",
    MailKind.ROLE_GRANTED: "{account_name} has been given the role {role}",
    MailKind.APPROVAL_WANTED: "A change is waiting for your approval in {service_name}",
    MailKind.REQUEST_DECIDED: "Your request in {service_name} has been decided",
    MailKind.BREAK_GLASS: "Urgent access to CAF {reference}: review it",
    MailKind.ACCESS_REVIEW_OVERDUE: "Your team's access review for {quarter} is overdue",
}


@dataclass(frozen=True)
class Composed:
    kind: MailKind
    subject: str
    text: str
    html: str


def service_url() -> str:
    """Where people reach eCAF: CAF_SERVICE_URL, else the configured server name."""
    config = current_app.config
    if config.get("SERVICE_URL"):
        return str(config["SERVICE_URL"]).rstrip("/")
    if config.get("SERVER_NAME"):
        return f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{config['SERVER_NAME']}"
    return "http://localhost:5000"


def link(endpoint: str, **values: object) -> str:
    """An absolute link to a page, for an e-mail: works with or without a request."""
    parts = urlsplit(service_url())
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def compose(kind: MailKind, **context: object) -> Composed:
    """The message of `kind`, from templates/mail/<kind>.txt and .html."""
    context = {
        "service_name": current_app.config["SERVICE_NAME"],
        "sign_in_link": link("accounts.sign_in"),
        **context,
    }
    environment = current_app.jinja_env
    subject = SUBJECTS[kind].format(**context)
    text = environment.get_template(f"mail/{kind.value}.txt").render(subject=subject, **context)
    html = environment.get_template(f"mail/{kind.value}.html").render(subject=subject, **context)
    return Composed(kind=kind, subject=subject, text=text.strip() + "\n", html=html)
