"""eCAF: the Flask application factory."""

from __future__ import annotations

import os

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.routing import IntegerConverter


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every route: ids beyond the database's integer range are simply not
    found (a 404), instead of overflowing the driver."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.environ.get("CAF_INSTANCE_PATH") or None,
    )

    app.url_map.converters["int"] = DatabaseIdConverter

    from webapp import config

    config.load(app, test_config)

    from webapp.templating import ImportOnceTemplate

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(app.root_path + "/templates"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    # The test suite builds an app per test and shares compiled templates between them.
    app.jinja_env.bytecode_cache = app.config.get("TEMPLATE_BYTECODE_CACHE")
    app.jinja_env.lstrip_blocks = True
    # GOV.UK macros import their own macros on every call: answered once per template.
    app.jinja_env.template_class = ImportOnceTemplate

    from webapp import assets, cli, db, documents, errors, govuk_dates, mail, models, security  # noqa: F401 - maps every model
    from webapp.accounts import passwords, session_store, sessions
    from webapp.assessments import drafts, library, lifecycle
    from webapp.consent import effects as consent_effects
    from webapp.crossborough import effects as transfer_effects
    from webapp.episodes import episode_effects, workflow
    from webapp.monitoring import alerts
    from webapp.reports import cache as reports_cache
    from webapp.sharing import effects as sharing_effects

    # Each domain plugs its workflow effects and facts in; the workflow then checks that
    # every effect its definitions name has an implementation.
    for domain in (episode_effects, consent_effects, transfer_effects, lifecycle, sharing_effects):
        domain.init_app(app)

    # Invalid workflow or form definitions stop the app here, naming the file and key;
    # except for `flask caf workflows|formdefs ...`, which exist to say what is wrong.
    try:
        workflow.init_app(app)
        library.init_app(app)
    except (workflow.WorkflowConfigurationError, library.FormDefinitionConfigurationError):
        if not cli.runs_checking_command():
            raise
        return cli.with_checking_commands_only(app)
    documents.init_app(app)  # checks the Word templates against the form definitions
    db.init_app(app)
    mail.init_app(app)  # delivers, after each request, the e-mail it queued
    alerts.init_app(app)  # checks the alert rules as documents leave the service
    drafts.init_app(app)  # discards the drafts of an episode whose consent is withdrawn
    passwords.init_app(app)
    security.init_app(app)  # CSRF and sign-in before the idle check that relies on them
    session_store.init_app(app)  # the cookie carries only an opaque key
    sessions.init_app(app)
    errors.init_app(app)
    assets.init_app(app)
    govuk_dates.init_app(app)  # the date filters every page uses
    cli.init_app(app)
    reports_cache.init_app(app)

    from webapp.accounts.session_views import bp as account_sessions_bp
    from webapp.accounts.two_factor_views import bp as two_factor_bp
    from webapp.accounts.views import bp as accounts_bp
    from webapp.admin.views import bp as admin_bp
    from webapp.assessments import version_views  # noqa: F401 - adds its pages to the blueprint
    from webapp.assessments.views import bp as assessments_bp
    from webapp.boroughs.views import bp as boroughs_bp
    from webapp.centres.views import bp as centres_bp
    from webapp.children.import_views import bp as child_imports_bp
    from webapp.children.merge_views import bp as child_merges_bp
    from webapp.children.provenance_views import bp as child_sources_bp
    from webapp.children.shielding_views import bp as shielding_bp
    from webapp.children.views import bp as children_bp
    from webapp.consent.views import bp as consent_bp
    from webapp.crossborough.views import bp as crossborough_bp
    from webapp.directory.views import bp as directory_bp
    from webapp.documents.admin_views import bp as documentadmin_bp
    from webapp.documents.views import bp as documents_bp
    from webapp.episodes.views import bp as episodes_bp
    from webapp.formadmin.views import bp as formadmin_bp
    from webapp.home.views import bp as home_bp
    from webapp.imports.views import bp as imports_bp
    from webapp.mail.views import bp as mail_bp
    from webapp.monitoring.alert_views import bp as alerts_bp
    from webapp.monitoring.review_views import bp as access_reviews_bp
    from webapp.monitoring.views import bp as monitoring_bp
    from webapp.notes.views import bp as notes_bp
    from webapp.reports.views import bp as reports_bp
    from webapp.sharing.views import bp as sharing_bp
    from webapp.subject_access.views import bp as subject_access_bp
    from webapp.tac.views import bp as tac_bp
    from webapp.uploads.views import bp as uploads_bp
    from webapp.useradmin.grant_views import bp as rolegrants_bp
    from webapp.useradmin.team_views import bp as teams_bp
    from webapp.useradmin.two_factor_admin import bp as two_factor_admin_bp
    from webapp.useradmin.views import bp as useradmin_bp
    from webapp.workflowadmin.views import bp as workflowadmin_bp
    from webapp.workflowchoices.views import bp as workflowchoices_bp

    for blueprint in (
        accounts_bp,
        account_sessions_bp,
        two_factor_bp,
        home_bp,
        children_bp,
        episodes_bp,
        assessments_bp,
        consent_bp,
        centres_bp,
        admin_bp,
        tac_bp,
        sharing_bp,
        notes_bp,
        shielding_bp,
        child_imports_bp,
        child_merges_bp,
        child_sources_bp,
        subject_access_bp,
        uploads_bp,
        crossborough_bp,
        documents_bp,
        documentadmin_bp,
        formadmin_bp,
        workflowchoices_bp,
        workflowadmin_bp,
        directory_bp,
        useradmin_bp,
        two_factor_admin_bp,
        teams_bp,
        rolegrants_bp,
        mail_bp,
        boroughs_bp,
        imports_bp,
        monitoring_bp,
        alerts_bp,
        access_reviews_bp,
        reports_bp,
    ):
        app.register_blueprint(blueprint)

    return app
