"""The borough's teams, kept by its administrators in the browser: create a team in one of
the borough's organisations, say who manages it, put practitioners in it or take them out.

A team outside the administrator's borough answers 404 to every page, and the attempt is
audited, as for accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp import db, flashes
from webapp.access.permissions import Permission
from webapp.access.policy import may, requires
from webapp.accounts.sessions import client_address
from webapp.boroughs.models import Team
from webapp.govuk_fields import show_errors
from webapp.useradmin import services as account_services
from webapp.useradmin import teams
from webapp.useradmin.forms import ConfirmForm
from webapp.useradmin.team_forms import AddPractitionerForm, ManagersForm, NewTeamForm

bp = Blueprint("teams", __name__, url_prefix="/admin/teams")


def _maintained(team_id: int, attempted: str) -> Team:
    """The team, if the administrator may maintain it; otherwise 404, audited."""
    team = teams.find(db.session, team_id)
    if team is None or not may(current_user, Permission.USER_ACCOUNTS_MAINTAIN, team):
        teams.record_refusal(
            db.session, current_user, attempted, team_id, team=team, client_address=client_address()
        )
        db.session.commit()
        abort(404)
    return team


@bp.route("")
@requires(Permission.USER_ACCOUNTS_MAINTAIN)
def index():
    return render_template(
        "teams/index.html", summaries=teams.teams_of(db.session, current_user.borough_id)
    )


def _organisation_choices(form: NewTeamForm) -> None:
    form.organisation.choices = [("", "Select an organisation")] + [
        (str(organisation.id), organisation.name)
        for organisation in account_services.organisations_of(db.session, current_user.borough_id)
    ]


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.USER_ACCOUNTS_MAINTAIN)
def new():
    form = NewTeamForm()
    _organisation_choices(form)
    if form.validate_on_submit():
        try:
            team = teams.create(
                db.session,
                current_user,
                int(form.organisation.data),
                form.name.data,
                client_address=client_address(),
            )
        except teams.TeamInvalid as invalid:
            db.session.rollback()
            _organisation_choices(form)
            show_errors(form, invalid.errors)
        else:
            db.session.commit()
            flash(f"{team.name} has been created. Now say who manages it")
            return redirect(url_for(".show", team_id=team.id))
    return render_template("teams/new.html", form=form)


@bp.route("/<int:team_id>")
@requires(Permission.USER_ACCOUNTS_MAINTAIN)
def show(team_id: int):
    team = _maintained(team_id, "view")
    return render_template(
        "teams/show.html",
        summary=teams.members_of(db.session, team),
        can_add=bool(teams.practitioner_choices(db.session, team)),
    )


def _manager_items(team: Team, managers) -> list[dict]:
    items = []
    for manager in managers:
        if manager.team_id is not None and manager.team_id != team.id:
            hint = f"In charge of {manager.team.name} now: they would move to this team"
        else:
            hint = manager.job_title or manager.email
        items.append({"hint": {"text": hint}})
    return items


@bp.route("/<int:team_id>/managers", methods=["GET", "POST"])
@requires(Permission.USER_ACCOUNTS_MAINTAIN)
def managers(team_id: int):
    team = _maintained(team_id, "change_managers")
    candidates = teams.manager_choices(db.session, team)
    form = ManagersForm()
    form.managers.choices = [(str(manager.id), manager.full_name) for manager in candidates]
    if not form.is_submitted():
        form.managers.data = [
            str(manager.id) for manager in teams.members_of(db.session, team).managers
        ]
    elif form.validate_on_submit():
        try:
            changed = teams.set_managers(
                db.session,
                team,
                current_user,
                {int(value) for value in form.managers.data or []},
                client_address=client_address(),
            )
        except teams.TeamInvalid as invalid:
            db.session.rollback()
            team = _maintained(team_id, "change_managers")
            candidates = teams.manager_choices(db.session, team)
            show_errors(form, invalid.errors)
        else:
            db.session.commit()
            flashes.saved_or_unchanged(f"The managers of {team.name} have been changed", changed)
            return redirect(url_for(".show", team_id=team.id))
    return render_template(
        "teams/managers.html", form=form, team=team, items=_manager_items(team, candidates)
    )


@bp.route("/<int:team_id>/practitioners/add", methods=["GET", "POST"])
@requires(Permission.USER_ACCOUNTS_MAINTAIN)
def add_practitioner(team_id: int):
    team = _maintained(team_id, "add_practitioner")
    form = AddPractitionerForm()

    def set_choices() -> None:
        form.practitioner.choices = [("", "Select a practitioner")] + [
            (
                str(account.id),
                account.full_name + (f" (now in {account.team.name})" if account.team else ""),
            )
            for account in teams.practitioner_choices(db.session, team)
        ]

    set_choices()
    if form.validate_on_submit():
        try:
            account = teams.add_practitioner(
                db.session,
                team,
                current_user,
                int(form.practitioner.data),
                client_address=client_address(),
            )
        except teams.TeamInvalid as invalid:
            db.session.rollback()
            team = _maintained(team_id, "add_practitioner")
            set_choices()
            show_errors(form, invalid.errors)
        else:
            db.session.commit()
            flash(f"{account.full_name} is now in {team.name}")
            return redirect(url_for(".show", team_id=team.id))
    return render_template("teams/add_practitioner.html", form=form, team=team)


@bp.route("/<int:team_id>/members/<int:account_id>/remove", methods=["POST"])
@requires(Permission.USER_ACCOUNTS_MAINTAIN)
def remove_member(team_id: int, account_id: int):
    team = _maintained(team_id, "remove_member")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    account = teams.remove_member(
        db.session, team, current_user, account_id, client_address=client_address()
    )
    if account is None:
        flashes.important("That person is not in the team")
    else:
        db.session.commit()
        flash(f"{account.full_name} is no longer in {team.name}")
    return redirect(url_for(".show", team_id=team.id))
