"""The chat's personal answers for a logged-in student (lanekassen_ai.personal_answers):
their latest control case, its status, the deadline for documentation and the link to
the page where they upload it. Registered in ControlConfig.ready."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from control.selectors.students import (
    STATUS_EXPLANATIONS,
    StudentCaseView,
    student_case_list,
    student_case_view,
    student_customer,
)
from lanekassen_ai.personal_answers import PersonalAnswer

# The intents a student's own case answers.
PERSONAL_INTENTS = frozenset({"residence_control", "application_status", "documentation_upload"})

_CASE = {
    "nb": "Saken din {number}: {status}",
    "nn": "Saka di {number}: {status}",
    "en": "Your case {number}: {status}",
}
_DEADLINE = {
    "nb": "Fristen din for å sende dokumentasjon er {deadline}.",
    "nn": "Fristen din for å sende dokumentasjon er {deadline}.",
    "en": "Your deadline for sending documentation is {deadline}.",
}
_NO_REQUEST = {
    "nb": "Vi har ikke bedt deg om dokumentasjon ennå.",
    "nn": "Vi har ikkje bede deg om dokumentasjon enno.",
    "en": "We have not asked you for documentation yet.",
}
_UPLOAD = {
    "nb": "Du laster opp dokumentene på siden for saken din: {url}",
    "nn": "Du lastar opp dokumenta på sida for saka di: {url}",
    "en": "You upload the documents on your case's page: {url}",
}


def _text(view: StudentCaseView, language: str, upload_url: str) -> str:
    case = view.case
    with translation.override(language):
        status = str(STATUS_EXPLANATIONS[case.status])
    lines = [_CASE[language].format(number=f"{case.campaign_id}-{case.pk}", status=status)]
    request = view.documentation_request
    if request is not None:
        lines.append(_DEADLINE[language].format(deadline=request.deadline.strftime("%d.%m.%Y")))
    else:
        lines.append(_NO_REQUEST[language])
    if view.can_upload:
        lines.append(_UPLOAD[language].format(url=upload_url))
    return "\n\n".join(lines)


def student_personal_answer(*, user_id: int, intent: str) -> PersonalAnswer | None:
    """The answer to `intent` about the student's latest case (None: not one of
    PERSONAL_INTENTS, not a student, or no case)."""
    if intent not in PERSONAL_INTENTS:
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    customer = student_customer(user=user) if user is not None else None
    if customer is None:
        return None
    case = student_case_list(customer=customer).first()
    if case is None:
        return None
    view = student_case_view(case=case)
    url = reverse("student:case-detail", kwargs={"pk": case.pk})
    upload_url = f"{url}#h-documents"
    return PersonalAnswer(
        text_nb=_text(view, "nb", upload_url),
        text_nn=_text(view, "nn", upload_url),
        text_en=_text(view, "en", upload_url),
        link_url=upload_url if view.can_upload else url,
        source="control",
    )
