"""Reports in the browser, and their exports.

Who may read a report, and whose episodes it counts, is decided by the access policy
(`reports:view`) and webapp/reports/scope.py from the account alone; every other account
is refused. Reading a report and exporting one are audited with the period and filters."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import db
from webapp.access.permissions import Permission
from webapp.access.policy import requires
from webapp.audit.requests import audited, audited_about
from webapp.db import utcnow
from webapp.episodes import workflow
from webapp.reports import cache, export, services
from webapp.reports import charts as report_charts
from webapp.reports.forms import ReportForm, ThresholdForm
from webapp.reports.queries import Period
from webapp.reports.scope import Scope, scope_for
from webapp.security import allow_inline_styles_on_this_page

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _scope() -> Scope:
    scope = scope_for(db.session, current_user)
    if scope is None:  # the permission without a role that counts anything
        abort(403)
    return scope


def _form(scope: Scope, today: date) -> ReportForm:
    form = ReportForm(request.args, today=today)
    if not scope.by_borough:
        del form.borough
    form.offer(services.filter_options(db.session, scope, cache.current().remember))
    return form


# What a report's address may carry: its period and filters, nothing else is kept in links.
QUERY_NAMES = frozenset(
    [f"{date}-{part}" for date in ("since", "until") for part in ("day", "month", "year")]
    + list(services.FILTER_NAMES)
)


def _query() -> dict[str, str]:
    return {name: value for name, value in request.args.items() if name in QUERY_NAMES}


def _described(form: ReportForm) -> list[tuple[str, str]]:
    """The filters chosen, as (label, the option's title)."""
    described = []
    for name in services.FILTER_NAMES:
        field = getattr(form, name, None)
        if field is not None and field.data:
            title = dict(field.choices).get(field.data, field.data)
            described.append((str(field.label.text), title))
    return described


def _requested() -> tuple[Scope, ReportForm, services.Report | None]:
    """The reader's scope, the form of the period and filters the address asks for, and
    the report (None when the form has a problem to show)."""
    scope = _scope()
    today = date.today()
    form = _form(scope, today)
    if request.args and not form.validate():
        return scope, form, None
    start, end = form.period()
    report = services.build(
        db.session,
        scope,
        Period(start, end),
        form.chosen(),
        workflow.catalogue(),
        utcnow(),
        today,
        cache.current().remember,
    )
    return scope, form, report


def _audit_detail(report: services.Report, form: ReportForm) -> dict[str, object]:
    return {
        "scope": report.scope.kind,
        "period": [report.period.start.isoformat(), report.period.end.isoformat()],
        "filters": {name: value for name, value in form.chosen().items() if value},
    }


@bp.route("")
@requires(Permission.REPORTS_VIEW)
def index():
    scope, form, report = _requested()
    charts = {}
    if report is not None:
        audited("reports.viewed", **_audit_detail(report, form))
        db.session.commit()
        charts = report_charts.for_report(report, cache.current().remember)
        # pygal writes a <style> element into each chart; scripts stay strict.
        allow_inline_styles_on_this_page()
    return render_template(
        "reports/index.html",
        form=form,
        report=report,
        scope=scope,
        filters=_described(form),
        query=_query(),
        waiting_text=export.waiting_text,
        charts=charts,
    )


FORMATS = {
    "csv": ("text/csv", export.csv_text),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", export.ods_bytes),
}


@bp.route("/export.csv")
@requires(Permission.REPORTS_VIEW)
def export_csv():
    return _export("csv")


@bp.route("/export.ods")
@requires(Permission.REPORTS_VIEW)
def export_ods():
    return _export("ods")


def _export(file_format: str):
    _, form, report = _requested()
    if report is None:
        return redirect(url_for(".index", **_query()))
    rows = export.rows(report, _described(form))
    audited("reports.exported", format=file_format, rows=len(rows), **_audit_detail(report, form))
    db.session.commit()
    mimetype, write = FORMATS[file_format]
    period = f"{report.period.start.isoformat()}-{report.period.end.isoformat()}"
    return Response(
        write(rows),
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="caf-report-{period}.{file_format}"'
        },
    )


@bp.route("/threshold", methods=["GET", "POST"])
@requires(Permission.BOROUGH_ADMINISTER)
def threshold():
    """A borough administrator sets the borough's suppression threshold."""
    borough = current_user.borough
    form = ThresholdForm(data={"threshold": str(borough.report_threshold)})
    if form.validate_on_submit():
        previous, borough.report_threshold = borough.report_threshold, int(form.threshold.data)
        audited_about(
            "reports.threshold_changed",
            borough,
            previous=previous,
            threshold=borough.report_threshold,
        )
        db.session.commit()
        flash(
            f"Reports now show counts below {borough.report_threshold} as “fewer than "
            f"{borough.report_threshold}”"
        )
        return redirect(url_for(".index"))
    return render_template("reports/threshold.html", form=form, borough=borough)
