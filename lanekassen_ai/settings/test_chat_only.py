"""Test settings with `chat` alone: proves it plugs into a project without `control`."""

from .test import *  # noqa: F403
from .test import AUTHENTICATION_BACKENDS, DEMO_SEED_STEPS, INSTALLED_APPS, SPECTACULAR_SETTINGS

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "control"]
DEMO_SEED_STEPS = [step for step in DEMO_SEED_STEPS if not step.startswith("control.")]
AUTHENTICATION_BACKENDS = [b for b in AUTHENTICATION_BACKENDS if not b.startswith("control.")]
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "ENUM_NAME_OVERRIDES": {
        name: path
        for name, path in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].items()  # type: ignore[attr-defined]
        if not (isinstance(path, str) and path.startswith("control."))
    },
}
