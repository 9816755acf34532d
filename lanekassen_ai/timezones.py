"""The agency's time zone, the one source for every wall-clock day and hour (opening hours,
statistics days, forecasts, audit log days): settings.TIME_ZONE."""

from zoneinfo import ZoneInfo

from django.conf import settings


def agency_timezone() -> ZoneInfo:
    """settings.TIME_ZONE as a tzinfo (ZoneInfo caches one instance per name)."""
    return ZoneInfo(settings.TIME_ZONE)
