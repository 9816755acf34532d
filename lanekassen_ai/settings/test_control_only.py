"""Test settings with `control` alone: proves it plugs into a project without `chat`."""

from .test import *  # noqa: F403
from .test import DEMO_SEED_STEPS, INSTALLED_APPS, SPECTACULAR_SETTINGS

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "chat"]
DEMO_SEED_STEPS = [step for step in DEMO_SEED_STEPS if not step.startswith("chat.")]
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "ENUM_NAME_OVERRIDES": {
        name: path
        for name, path in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].items()  # type: ignore[attr-defined]
        if isinstance(path, str) and not path.startswith("chat.")  # inline choices are the chat's
    },
}
