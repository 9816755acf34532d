"""Fixtures of the control tests. Each concern keeps its fixtures in its own module;
they are made visible to every test module here."""

from tests.control.notice_helpers import smtp_server  # noqa: F401
from tests.control.risk_fixtures import (  # noqa: F401
    imported_population,
    population_csv,
    population_frame,
    private_storage,
    trained,
)
from tests.control.student_helpers import idporten  # noqa: F401
