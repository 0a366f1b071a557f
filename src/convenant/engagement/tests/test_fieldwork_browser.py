"""A case's fieldwork in real Chromium: the union expert of a case's group records a
consultation where people are at risk (names and site stay with the group, the findings are
opened to the case's readers) and assesses the grievance mechanism, told first which criteria
are missing; the secretariat, reading the case from outside the group, sees the findings and
"hidden" where the names and site are."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from convenant.core.testing import World, build_world
from convenant.core.tests.browser import assert_accessible
from convenant.engagement.models import Case, GrievanceCriterion
from convenant.engagement.tests.cases import open_case
from convenant.engagement.tests.test_engagements_browser import log_in

pytestmark = pytest.mark.browser
TODAY = timezone.localdate()


@pytest.fixture
def live_case(transactional_db: None, live_server, settings) -> tuple[World, Case]:
    settings.BASE_URL = live_server.url
    world = build_world()
    return world, open_case(world, "Kinderrechten in de mica-winning")


def test_the_group_records_fieldwork_and_the_secretariat_reads_it_redacted(
    page: Page, live_server, live_case: tuple[World, Case]
) -> None:
    _world, case = live_case
    base = live_server.url
    log_in(page, base, "union@example.org")
    page.goto(f"{base}/cases/{case.reference}/assessment/")
    page.get_by_role("link", name="Consultatie vastleggen").click()
    page.locator("[name=kind]").select_option("affected_group")
    page.locator("[name=with_whom]").fill("Families bij de putten")
    page.locator("[name=groups][value=children]").check()
    page.locator("[name=people]").fill("Familie Devi")
    page.locator("[name=site]").fill("Put 3 achter de school")
    page.locator("[name=findings]").fill("Kinderen sorteren mica na schooltijd")
    page.locator("[name=people_at_risk]").check()
    page.locator("[name=level]").select_option("case")
    page.locator("[name=open_site]").check()
    page.locator("[name=open_findings]").check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".errorlist")).to_contain_text("Mensen lopen gevaar")
    page.locator("[name=open_site]").uncheck()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#consultations")).to_contain_text("Familie Devi")
    assert_accessible(page, "case-assessment")

    page.goto(f"{base}/cases/{case.reference}/remediation/")
    page.get_by_role("link", name="Herstel vastleggen").click()
    page.locator("[name=what]").fill("Schoolgeld en een maaltijd per dag")
    page.locator("[name=for_whom]").fill("De kinderen van de putten")
    page.locator("[name=status]").select_option("agreed")
    page.get_by_role("button", name="Opslaan").click()
    page.locator("#remedies").get_by_role("link", name="Nieuwe status").click()
    page.locator("[name=status]").select_option("provided")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".errorlist")).to_contain_text("bewijs")
    page.locator("[name=evidence]").fill("Inschrijvingen van de school, bezoek van de partner")
    page.locator("[name=note]").fill("Eerste schooljaar betaald")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#remedies")).to_contain_text("Geboden")
    expect(page.locator("#policy-changes")).not_to_contain_text("Schoolgeld")
    assert_accessible(page, "case-remediation")

    page.goto(f"{base}/cases/{case.reference}/monitoring/")
    page.get_by_role("link", name="Klachtenmechanisme beoordelen").click()
    page.locator("[name=mechanism]").fill("Klachtenlijn van de opkoper")
    for criterion in GrievanceCriterion.values[:-1]:
        page.locator(f"[name=rating_{criterion}]").select_option("1")
        page.locator(f"[name=evidence_{criterion}]").fill("Nauwelijks bekend bij de families")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".errorlist")).to_contain_text("Gebaseerd op betrokkenheid en dialoog")
    page.locator("[name=rating_engagement]").select_option("0")
    page.locator("[name=evidence_engagement]").fill("Geen overleg met de families")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".grievance-trend")).to_contain_text("Klachtenlijn van de opkoper")
    assert_accessible(page, "case-monitoring")
    page.context.clear_cookies()

    log_in(page, base, "secretariat@example.org")
    page.goto(f"{base}/cases/{case.reference}/assessment/")
    consultations = page.locator("#consultations")
    expect(consultations).to_contain_text("Kinderen sorteren mica na schooltijd")
    expect(consultations).not_to_contain_text("Familie Devi")
    expect(consultations).not_to_contain_text("Put 3")
    expect(consultations.locator(".redacted")).to_have_count(2)
    expect(page.get_by_role("link", name="Consultatie vastleggen")).to_have_count(0)
