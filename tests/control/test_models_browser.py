"""The model registry pages in Debian's Chromium: a modeller reads a model card (charts
drawn, fairness table), activates the version by keyboard and is refused a bad import file
with its line numbers; axe-core finds no serious accessibility violations."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from control.ml.training import TrainingResult
from control.models import RiskModelVersion
from lanekassen_ai.roles import Role
from tests.control.factories import import_csv, import_row
from tests.control.risk_fixtures import model_version_store
from tests.factories import TEST_PASSWORD


def _assert_no_serious_violations(page: Page, what: str) -> None:
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not serious, f"{what}: " + "; ".join(f"{v['id']}: {v['help']}" for v in serious)


@pytest.mark.browser
def test_a_modeller_reads_the_card_activates_by_keyboard_and_is_refused_a_bad_file(
    page: Page, live_server, make_user, trained: TrainingResult, private_storage: Path, tmp_path: Path
) -> None:
    make_user(Role.MODELLER, username="browser-analytiker")
    version = model_version_store(trained=trained, version="browser-model")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Brukernavn").fill("browser-analytiker")
    page.get_by_label("Passord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()

    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Risikomodeller").click()
    expect(page.get_by_role("table", name="Modellversjoner, nyeste først")).to_be_visible()
    _assert_no_serious_violations(page, "registry list")
    page.get_by_role("link", name=version.version).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(version.version)
    # Chart.js has drawn both charts (a drawn canvas gets a pixel size).
    for chart in ("#chart-gains", "#chart-calibration"):
        canvas = page.locator(chart)
        expect(canvas).to_have_attribute("style", re.compile(r"height: \d+"))
    expect(page.locator(".fairness-table").first).to_be_visible()
    _assert_no_serious_violations(page, "model card")

    page.locator("#activate-button").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#model-status")).to_have_text("Aktiv")
    assert RiskModelVersion.objects.get(pk=version.pk).status == RiskModelVersion.Status.ACTIVE

    bad = tmp_path / "bad.csv"
    bad.write_bytes(import_csv([import_row(1), import_row(2, housing_type="TENT")]))
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Import av søknader").click()
    page.get_by_label("Søknadsfil (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Importer").click()
    expect(page.locator("#import-refused")).to_be_visible()
    expect(page.get_by_role("table", name="Avviste rader")).to_contain_text("housing_type")
    expect(page.get_by_role("table", name="Avviste rader").get_by_role("rowheader").first).to_have_text("3")
    _assert_no_serious_violations(page, "import page")
