"""Roles held by accounts, relationships held on one episode, and permissions.

Permissions are a StrEnum so that a misspelt permission fails at import, not at run time.
"""

from enum import StrEnum

from webapp.titled_enum import TitledEnum


class Role(TitledEnum):
    """Roles held by an account (DESIGN §1). Episode roles are relationships, not these."""

    PRACTITIONER = "practitioner", "Practitioner"
    MANAGER = "manager", "Manager"
    BOROUGH_CAF_CONTACT = "borough_caf_contact", "Borough CAF contact"
    BOROUGH_ADMIN = "borough_admin", "Borough administrator"
    SYSTEM_ADMIN = "system_admin", "System administrator"


class Relationship(StrEnum):
    """How a user stands to one episode."""

    ASSESSOR = "assessor"
    LEAD_PROFESSIONAL = "lead_professional"
    COORDINATOR = "coordinator"
    TAC_MEMBER = "tac_member"
    TEAM_MANAGER = "team_manager"
    BOROUGH_CAF_CONTACT = "borough_caf_contact"
    # The CAF contact of the borough an episode is being transferred to, until they accept.
    RECEIVING_BOROUGH_CAF_CONTACT = "receiving_borough_caf_contact"


class Permission(StrEnum):
    HOME_VIEW = "home:view"
    ACCOUNT_VIEW_OWN = "account:view-own"
    # Check that a copy of a document is exactly the file eCAF produced: anyone holding one.
    DOCUMENT_CHECK = "document:check"
    CHILD_INDEX_SEARCH = "child-index:search"
    # Shield a child's record, answer a subject access request for it: the borough CAF
    # contact of the child's borough.
    CHILD_RECORD_MANAGE = "child-record:manage"
    EPISODE_START = "episode:start"
    EPISODE_VIEW = "episode:view"
    EPISODE_EDIT = "episode:edit"
    EPISODE_KEEP_NOTES = "episode:keep-notes"
    EPISODE_RECEIVE_TRANSFER = "episode:receive-transfer"
    TAC_REQUEST_JOIN = "tac:request-join"
    TAC_DECIDE_JOIN = "tac:decide-join-request"
    SHARING_REVIEW = "sharing:review-decision"
    CENTRE_REGISTRATION_RECORD = "centre-registration:record"
    CENTRE_REGISTRATION_VIEW = "centre-registration:view"
    BOROUGH_ADMINISTER = "borough:administer"
    WORKFLOW_VIEW = "workflow:view"
    # Read who looked at a child's record (the borough CAF contact) or what a person looked
    # at (their team's manager, the CAF contact of their borough): webapp/monitoring.
    AUDIT_VIEW = "audit:view"
    # Open, for a short time and with a stated reason, an episode one may not normally see,
    # for an urgent safeguarding need; and review such access afterwards (the CAF contact).
    EPISODE_BREAK_GLASS = "episode:break-glass"
    BREAK_GLASS_REVIEW = "break-glass:review"
    # Look into alerts on patterns of access that suggest misuse, and tune their
    # thresholds for the borough: the borough CAF contact.
    ACCESS_ALERTS_REVIEW = "access-alerts:review"
    # Attest each quarter that a team's access was appropriate: the team's managers. Read
    # the reviews: those managers, and the CAF contacts of the team's borough.
    ACCESS_REVIEW_ATTEST = "access-review:attest"
    ACCESS_REVIEW_VIEW = "access-review:view"
    DIRECTORY_VIEW = "directory:view"
    DIRECTORY_MAINTAIN = "directory:maintain"
    USER_ACCOUNTS_MAINTAIN = "user-accounts:maintain"
    # Approve or reject a role that waits for a second administrator (the CAF contact's or
    # an administrator's): the borough's other administrators, or a system administrator.
    ROLE_GRANTS_DECIDE = "role-grants:decide"
    SYSTEM_ADMINISTER = "system:administer"
    # Read counts of CAF episodes, small numbers suppressed: a manager their team's, a
    # borough's CAF contact and administrators the borough's, a system administrator every
    # borough's (webapp/reports/scope.py).
    REPORTS_VIEW = "reports:view"
    # Read the counts of each run of the imports that feed the borough's child index (no
    # child's details): the borough CAF contact.
    CHILD_IMPORTS_VIEW = "child-imports:view"
    # Answer record linkage's review queue (merge two records of a child or keep them apart)
    # and undo a merge: the borough CAF contact, for the borough's children.
    CHILD_LINKAGE_REVIEW = "child-linkage:review"
