"""Template filters for the casework pages."""

from django import template

from control.ml.schema import national_id_mask
from control.models import ControlCase
from control.selectors.casework import control_case_shows_risk

register = template.Library()


@register.filter
def masked_national_id(value: str) -> str:
    """`01020312345` → `010203*****`: lists never show a whole fødselsnummer."""
    return national_id_mask(national_id=value or "")


@register.filter
def percent(value: float | None, digits: int = 1) -> str:
    """0.116 → "11.6 %" (localised decimal mark is left to the reader's locale)."""
    if value is None:
        return "–"
    return f"{value * 100:.{digits}f} %"


@register.filter
def shows_risk(case: ControlCase) -> bool:
    """Whether a case's rank and reasons may be shown (not for an undecided random case)."""
    return control_case_shows_risk(case=case)
