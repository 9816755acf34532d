"""Control models: register data (customers, applications), the risk model registry and
scores, and the casework (campaigns, cases, documents, decisions)."""

from control.models.appeals import Appeal
from control.models.applications import Application, Customer, ImportRun
from control.models.casework import (
    CampaignLetterDay,
    CaseDocument,
    ControlCampaign,
    ControlCase,
    ControlCaseReopening,
    ControlDecision,
    DocumentationRequest,
    DoNotControlFlag,
    LetterTemplate,
)
from control.models.notices import ContactDetails, Letter, Notice
from control.models.risk import RiskModelVersion, RiskScore, ScoringRun
from control.models.students import StudentAccount

__all__ = [
    "Appeal",
    "Application",
    "CampaignLetterDay",
    "CaseDocument",
    "ContactDetails",
    "ControlCampaign",
    "ControlCase",
    "ControlCaseReopening",
    "ControlDecision",
    "Customer",
    "DoNotControlFlag",
    "DocumentationRequest",
    "ImportRun",
    "Letter",
    "LetterTemplate",
    "Notice",
    "RiskModelVersion",
    "RiskScore",
    "ScoringRun",
    "StudentAccount",
]
