"""Every model, imported in one place so that Alembic and the tests see the whole schema."""

from webapp.accounts.models import (
    LoginThrottle,
    PasswordSetupLink,
    RecoveryCode,
    TwoFactorChallenge,
    User,
    UserRole,
)
from webapp.accounts.session_store import SignInSession
from webapp.assessments.models import EpisodeFormPin, FormResponse, SectionAnswers, SectionDraft
from webapp.audit.models import AuditChainHead, AuditEvent
from webapp.boroughs.models import Borough, Organisation, Team
from webapp.centres.models import (
    CentreRegistration,
    CentreRegistrationChild,
    CentreRegistrationPartner,
    CentreRegistrationReview,
)
from webapp.children.import_models import ChildIdentifier, ChildImportRun, ChildSourceRecord
from webapp.children.merge_models import ChildLinkReview, ChildMerge
from webapp.children.models import Child
from webapp.children.provenance_models import ChildFieldValue
from webapp.children.shielding_models import ShieldingChange
from webapp.consent.models import Consent, ConsentAgency, ConsentReview
from webapp.counters import Counter
from webapp.crossborough.models import JoinRequest
from webapp.db import Base
from webapp.directory.models import Service
from webapp.documents.models import GeneratedDocument, SignedCopy, UploadedTemplate
from webapp.episodes.models import Episode, EpisodeTransition, Notification
from webapp.formadmin.models import DraftTransition, OverlayDraft, OverlayVersion
from webapp.mail.models import OutboxMessage
from webapp.monitoring.alert_models import AccessAlert, AlertSetting
from webapp.monitoring.models import BreakGlassGrant, SearchHit
from webapp.monitoring.review_models import AccessReview
from webapp.notes.models import ConfidentialNote
from webapp.sharing.models import SharingDecision
from webapp.tac.models import Involvement, LeadProfessionalChange, TacMember
from webapp.uploads.models import StoredFile
from webapp.useradmin.models import AccountStatusChange, RoleGrantRequest
from webapp.workflowadmin.models import WorkflowDraft, WorkflowDraftStep, WorkflowVersion
from webapp.workflowchoices.models import WorkflowChoiceRequest, WorkflowChoiceVersion

metadata = Base.metadata

__all__ = [
    "AccessAlert",
    "AccessReview",
    "AccountStatusChange",
    "AlertSetting",
    "AuditChainHead",
    "AuditEvent",
    "BreakGlassGrant",
    "Borough",
    "CentreRegistration",
    "CentreRegistrationChild",
    "CentreRegistrationPartner",
    "CentreRegistrationReview",
    "RecoveryCode",
    "TwoFactorChallenge",
    "Child",
    "ChildIdentifier",
    "ChildFieldValue",
    "ChildImportRun",
    "ChildLinkReview",
    "ChildMerge",
    "ChildSourceRecord",
    "ConfidentialNote",
    "Consent",
    "ConsentAgency",
    "ConsentReview",
    "Counter",
    "DraftTransition",
    "Episode",
    "EpisodeFormPin",
    "EpisodeTransition",
    "FormResponse",
    "GeneratedDocument",
    "Involvement",
    "JoinRequest",
    "LeadProfessionalChange",
    "LoginThrottle",
    "Notification",
    "Organisation",
    "OutboxMessage",
    "OverlayDraft",
    "OverlayVersion",
    "WorkflowDraft",
    "WorkflowDraftStep",
    "WorkflowVersion",
    "PasswordSetupLink",
    "RoleGrantRequest",
    "SearchHit",
    "SectionAnswers",
    "SectionDraft",
    "SignInSession",
    "Service",
    "SharingDecision",
    "SignedCopy",
    "ShieldingChange",
    "StoredFile",
    "TacMember",
    "Team",
    "UploadedTemplate",
    "User",
    "UserRole",
    "WorkflowChoiceRequest",
    "WorkflowChoiceVersion",
    "metadata",
]
