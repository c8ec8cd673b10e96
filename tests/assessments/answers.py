"""Form data a browser would send for every section of the national CAF assessment."""

from datetime import date, timedelta

NEXT_MONTH = date.today() + timedelta(days=30)

CAF_ASSESSMENT = {
    "identifying_details": {
        "unborn": "no",
        "given_names": "Ada",
        "family_name": "Lovelace",
        "also_known_as": "",
        "gender": "female",
        "date_of_birth-day": "17",
        "date_of_birth-month": "5",
        "date_of_birth-year": "2015",
        "address": "1 Example Street\nLondon",
        "postcode": "se15 4ab",
        "contact_telephone": "020 7946 0000",
        "unique_reference_number": "R-1",
        "assessment_version_number": "1",
        "religion": "",
        "ethnicity": "white_other",
        "ethnicity_white_other_details": "Polish",
        "immigration_status": "",
        "child_first_language": "English",
        "parent_first_language": "Polish",
        "disability": "no",
        "interpreter_needed": "no",
        "special_requirements": "",
    },
    "assessment_information": {
        "date_assessment_started-day": "1",
        "date_assessment_started-month": "3",
        "date_assessment_started-year": "2024",
        "people_present": "Ada and her mother",
        "reason_for_assessment": "School attendance has dropped since January.",
    },
    "parents_and_carers": {
        "parents_carers-items": "1",
        "parents_carers-0-parent_name": "Pat Lovelace",
        "parents_carers-0-parent_relationship": "Mother",
        "parents_carers-0-parent_telephone": "07700 900 982",
        "parents_carers-0-parental_responsibility": "yes",
    },
    "family_situation": {"family_structure": "Ada lives with her mother.", "siblings": "None"},
    "assessment_team": {
        "assessor_name": "Sam Assessor",
        "assessor_role": "Learning mentor",
        "assessor_organisation": "Riverside Primary",
        "assessor_email": "sam@example.org",
        "lead_professional_known": "yes",
        "lead_professional_name": "Lee Lead",
    },
    "other_services": {
        "services-items": "1",
        "services-0-service_level": "universal",
        "services-0-service_name": "Riverside GP",
    },
    "development": {
        "development_strengths_needs-general_health-strengths": "Healthy and active",
        "development_strengths_needs-learning_participation-needs": "Attendance is 80%",
        "development_strengths_needs-identity-not_discussed": "yes",
    },
    "parenting": {"parenting_strengths_needs-basic_care_safety-strengths": "Warm home"},
    "family_environment": {
        "family_environment_strengths_needs-housing_employment_finance-needs": "Rent arrears",
    },
    "comments": {"child_comments": "I miss my friends.", "parent_comments": "We need help."},
    "conclusions": {
        "conclusion_strengths": "A loving home",
        "conclusion_needs": "Attendance",
        "agreed_actions-items": "2",
        "agreed_actions-0-action_what": "Morning club place",
        "agreed_actions-0-action_who": "School",
        "agreed_actions-0-action_by_when-day": str(NEXT_MONTH.day),
        "agreed_actions-0-action_by_when-month": str(NEXT_MONTH.month),
        "agreed_actions-0-action_by_when-year": str(NEXT_MONTH.year),
        "agreed_actions-1-action_what": "Debt advice",
        "agreed_actions-1-action_who": "Mother",
        "agreed_actions-1-action_by_when-day": str(NEXT_MONTH.day),
        "agreed_actions-1-action_by_when-month": str(NEXT_MONTH.month),
        "agreed_actions-1-action_by_when-year": str(NEXT_MONTH.year),
        "first_review_date-day": str(NEXT_MONTH.day),
        "first_review_date-month": str(NEXT_MONTH.month),
        "first_review_date-year": str(NEXT_MONTH.year),
    },
}

#: The consent section as episodes filled it in before consent was recorded once (the
#: section now shows the episode's consent record and cannot be saved): stored directly by
#: the tests of such episodes.
LEGACY_CONSENT = {
    "consent": {
        "consent_given_by": "parent_carer",
        "consenting_parent_name": "Pat Lovelace",
        "consent_to_store": "yes",
        "consent_to_share": "yes",
        "share_with-items": "1",
        "share_with-0-share_agency": "Riverside GP",
        "consent_method": "written",
        "consent_date-day": "1",
        "consent_date-month": "3",
        "consent_date-year": "2024",
        "signed_by_parent": "Pat Lovelace",
        "signed_by_practitioner": "Sam Assessor",
    },
}
