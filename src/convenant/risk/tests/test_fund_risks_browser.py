"""In the browser: a fund editor narrows the fund's risks to a theme, opens a company's
themes, submits a judgement that is refused and lands back on that company's row — open,
with the error beside the form and what was typed still there."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from convenant.core.testing import World, build_world
from convenant.core.tests.browser import assert_accessible
from convenant.portfolios.models import Snapshot
from convenant.risk.actions import LIBRARY, load_reference_dataset
from convenant.risk.tests.test_fund_risks import _sector_map, hold

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None) -> World:
    world = build_world()
    load_reference_dataset(LIBRARY / "themes")
    _sector_map()
    snapshot = Snapshot.objects.create(fund=world.fund, as_of=datetime.date(2024, 12, 31))
    hold(snapshot, "Delta Mijnbouw", [("forced-labour", "very-high", "16")])
    beta = hold(
        snapshot,
        "Beta Metaal",
        [("forced-labour", "very-high", "12"), ("pollution", "medium", "4")],
        evidence=("forced-labour",),
    )
    hold(snapshot, "Epsilon Chips", [("privacy", "high", "9")], country="US", sector="45")
    for n in range(60):  # enough companies for a second page
        hold(snapshot, f"Bedrijf {n:02d}", [("pollution", "low", "2")], country="NL")
    world.extra.update(snapshot=snapshot, beta=beta)
    return world


def test_editor_filters_opens_a_company_and_a_refused_judgement_returns_to_it(
    page: Page, live_server, live_world: World
) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill("fund_editor@example.org")
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    page.goto(live_server.url + f"/holdings/{live_world.extra['snapshot'].pk}/risks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Geprioriteerde risico's")
    table = page.locator("table.companies")
    expect(table.locator("tbody tr").first).to_contain_text("Delta Mijnbouw")
    assert_accessible(page, "fund-risks-nl")

    # Narrowed to pollution: the companies with that theme, the filter named above them
    page.get_by_label("Thema", exact=True).select_option("pollution")
    page.get_by_role("button", name="Filteren").click()
    expect(page.locator(".applied")).to_contain_text("Vervuiling")
    expect(table).to_contain_text("Beta Metaal")
    expect(table).not_to_contain_text("Delta Mijnbouw")

    # Beta's themes open under its row; its judgement refused for want of a reason
    beta = live_world.extra["beta"].pk
    row = page.locator(f"#company-{beta}")
    row.locator("td.themes > details > summary").click()
    expect(row.get_by_text("why Beta Metaal pollution")).to_be_visible()
    row.locator("details.judge summary").click()
    row.get_by_label("Besluit").select_option("adjusted")
    row.get_by_label("Aangepaste prioriteit").select_option("high")
    row.get_by_role("button", name="Opslaan").click()

    # Back on the same row, the filter kept, the row open, the error at the form
    expect(page).to_have_url(
        f"{live_server.url}/holdings/{live_world.extra['snapshot'].pk}"
        f"/risks/?theme=pollution&open={beta}#company-{beta}"
    )
    row = page.locator(f"#company-{beta}")
    expect(row.locator("p.row-error")).to_contain_text("reden")
    expect(row.get_by_label("Besluit")).to_have_value("adjusted")
    expect(row.get_by_label("Besluit")).to_be_in_viewport()
    expect(page.locator(".applied")).to_contain_text("Vervuiling")
    assert_accessible(page, "fund-risks-refused-nl")

    # The form fits its column at 1,366 px: nothing sticks out of the table
    table_box = table.bounding_box()
    form_box = row.locator("form.judge-form").bounding_box()
    assert table_box and form_box
    assert form_box["x"] + form_box["width"] <= table_box["x"] + table_box["width"]
