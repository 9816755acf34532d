"""The agency's time zone has one source, settings.TIME_ZONE, read through
lanekassen_ai.timezones.agency_timezone."""

from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.test import override_settings

from lanekassen_ai.timezones import agency_timezone

ROOT = Path(__file__).resolve().parents[2]


def test_the_agency_time_zone_is_the_settings_one() -> None:
    assert agency_timezone() == ZoneInfo(settings.TIME_ZONE) == ZoneInfo("Europe/Oslo")
    with override_settings(TIME_ZONE="UTC"):
        assert agency_timezone() == ZoneInfo("UTC")


def test_no_module_names_the_time_zone_itself() -> None:
    named = [
        str(path.relative_to(ROOT))
        for app in ("lanekassen_ai", "control", "chat")
        for path in (ROOT / app).rglob("*.py")
        if "settings" not in path.relative_to(ROOT).parts
        and ("Europe/Oslo" in (text := path.read_text()) or "ZoneInfo(" in text)
        and path.name != "timezones.py"
    ]
    assert named == [], f"read the time zone through agency_timezone(): {named}"
