"""The domain events the control app emits (see lanekassen_ai.event_types). Changing a
payload means a new version next to the old one: receivers are told in
docs/integrations.md, and both versions are declared until the old one is retired."""

from lanekassen_ai.event_types import EventType

CASE_DECIDED = "control.case.decided"
CASE_REOPENED = "control.case.reopened"
DECISION_REVERSED = "control.case.decision_reversed"
APPEAL_RECEIVED = "control.appeal.received"
DOCUMENTATION_REQUESTED = "control.case.documentation_requested"
CAMPAIGN_CONFIRMED = "control.campaign.confirmed"
SCORING_RUN_FINISHED = "control.scoring_run.finished"
RISK_MODEL_ACTIVATED = "control.risk_model.activated"

EVENT_TYPES: tuple[EventType, ...] = (
    EventType(
        name=CASE_DECIDED,
        version=1,
        description="A caseworker decided a control case; the case is locked. "
        "`CAUGHT` (avdekket) means the grant is converted back to a loan.",
        payload={
            "case_id": "the control case (integer)",
            "campaign_id": "its campaign (integer)",
            "application_id": "the application the decision is about (string)",
            "academic_year": "the application's academic year (integer)",
            "outcome": "`CAUGHT` or `CLEARED`",
            "decided_at": "when it was decided (ISO 8601)",
        },
    ),
    EventType(
        name=CASE_REOPENED,
        version=1,
        description="A manager reopened a decided case: the decision in force is withdrawn "
        "(a `CAUGHT` no longer holds until the case is decided again) and the case is worked again.",
        payload={
            "case_id": "the control case (integer)",
            "campaign_id": "its campaign (integer)",
            "application_id": "the application (string)",
            "academic_year": "the application's academic year (integer)",
            "previous_outcome": "the outcome withdrawn, `CAUGHT` or `CLEARED`",
            "withdrawn_decision_id": "the decision version withdrawn (integer)",
            "reopened_at": "when (ISO 8601)",
        },
    ),
    EventType(
        name=DECISION_REVERSED,
        version=1,
        description="An appeal changed a decision: the new outcome replaces the old one.",
        payload={
            "case_id": "the control case (integer)",
            "appeal_id": "the appeal that changed it (integer)",
            "application_id": "the application (string)",
            "academic_year": "the application's academic year (integer)",
            "previous_outcome": "the outcome that no longer holds",
            "outcome": "the outcome that now holds",
            "reversed_at": "when the appeal was decided (ISO 8601)",
        },
    ),
    EventType(
        name=APPEAL_RECEIVED,
        version=1,
        description="A student appealed a decision; it is handled by someone other than the one who decided.",
        payload={
            "appeal_id": "the appeal (integer)",
            "case_id": "the decided control case (integer)",
            "application_id": "the application (string)",
            "received_at": "when the appeal arrived (ISO 8601)",
        },
    ),
    EventType(
        name=DOCUMENTATION_REQUESTED,
        version=1,
        description="The student was asked to document where they live, by a deadline.",
        payload={
            "case_id": "the control case (integer)",
            "documentation_request_id": "the request (integer)",
            "application_id": "the application (string)",
            "deadline": "the last day for the documents (ISO 8601 date)",
        },
    ),
    EventType(
        name=CAMPAIGN_CONFIRMED,
        version=1,
        description="A manager confirmed a control campaign; its cases are in the worklist.",
        payload={
            "campaign_id": "the campaign (integer)",
            "academic_year": "the year it controls (integer)",
            "cases": "number of cases (integer)",
            "risk": "cases picked by the risk model (integer)",
            "random": "cases picked at random (integer)",
        },
    ),
    EventType(
        name=SCORING_RUN_FINISHED,
        version=1,
        description="Every application of a year has its risk score from one model version.",
        payload={
            "scoring_run_id": "the scoring run (integer)",
            "academic_year": "the year scored (integer)",
            "model_version": "the model version that scored it (string)",
            "scored": "applications scored (integer)",
        },
    ),
    EventType(
        name=RISK_MODEL_ACTIVATED,
        version=1,
        description="A risk model version became the active one; the previous one is retired.",
        payload={
            "model_version": "the version now active (string)",
            "activated_at": "when (ISO 8601)",
        },
    ),
)
