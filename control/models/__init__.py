"""Control models: register data (customers, applications), the risk model registry and
scores, and the casework (campaigns, cases, documents, decisions)."""

from control.models.applications import Application, Customer, ImportRun
from control.models.casework import (
    CaseDocument,
    ControlCampaign,
    ControlCase,
    ControlCaseReopening,
    ControlDecision,
    DocumentationRequest,
    DoNotControlFlag,
    LetterTemplate,
)
from control.models.notices import ContactDetails, Notice
from control.models.risk import RiskModelVersion, RiskScore, ScoringRun
from control.models.students import StudentAccount

__all__ = [
    "Application",
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
    "LetterTemplate",
    "Notice",
    "RiskModelVersion",
    "RiskScore",
    "ScoringRun",
    "StudentAccount",
]
