"""`make test` runs each app's tests with the other app absent; nothing may fall between."""

import pathlib
import re

from django.conf import settings

TESTS = pathlib.Path(settings.BASE_DIR) / "tests"


def test_every_test_module_lives_in_a_folder_that_make_test_runs() -> None:
    makefile = (pathlib.Path(settings.BASE_DIR) / "Makefile").read_text(encoding="utf-8")
    run = set(re.findall(r"-m pytest tests/(\w+)", makefile))
    assert run == {"lanekassen_ai", "control", "chat"}
    folders = {p.relative_to(TESTS).parts[0] for p in TESTS.rglob("test_*.py")}
    assert folders <= run, f"test folders not run by make test: {sorted(folders - run)}"


def test_each_app_has_a_settings_module_without_the_other() -> None:
    from lanekassen_ai.settings import test_chat_only, test_control_only

    assert "chat" not in test_control_only.INSTALLED_APPS
    assert "control" in test_control_only.INSTALLED_APPS
    assert "control" not in test_chat_only.INSTALLED_APPS
    assert "chat" in test_chat_only.INSTALLED_APPS
    assert not any(s.startswith("chat.") for s in test_control_only.DEMO_SEED_STEPS)
    assert not any(s.startswith("control.") for s in test_chat_only.DEMO_SEED_STEPS)


def test_neither_app_imports_the_other() -> None:
    root = pathlib.Path(settings.BASE_DIR)
    for app, other in (("control", "chat"), ("chat", "control")):
        for path in (root / app).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(rf"^\s*(from|import) {other}\b", text, re.M), f"{path} imports {other}"
