"""The secretariat finds a failed e-mail on the dashboard, opens it and sends it again, in
real Chromium (axe checks each page)."""

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from convenant.core.models import Job
from convenant.core.testing import World, build_world
from convenant.core.tests.browser import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None) -> World:
    return build_world()


def test_the_secretariat_retries_a_failed_email_from_the_dashboard(
    page: Page, live_server, live_world: World
) -> None:
    job = Job.objects.create(
        kind="core.send_email",
        state=Job.State.FAILED,
        attempts=5,
        max_attempts=5,
        message="Mislukt na 5 pogingen: de mailserver nam het bericht niet aan.",
        params={
            "to": "nieuw@example.org",
            "subject": "Uitnodiging",
            "body": "Welkom",
            "purpose": "parties.invitation",
        },
    )
    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill("secretariat@example.org")
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()

    page.get_by_role("link", name="1 mislukte taak om te bekijken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Achtergrondtaken")
    expect(page.get_by_text("nieuw@example.org")).to_be_visible()
    assert_accessible(page, "jobs-failed-nl")

    page.get_by_role("link", name=job.created_at.strftime("%d-%m-%Y")).first.click()
    expect(page.get_by_role("alert")).to_contain_text("Mislukt na 5 pogingen")
    assert_accessible(page, "job-failed-nl")
    page.get_by_role("button", name="Opnieuw proberen").click()

    # Run eagerly on commit, as in the demo: sent this time, and the text is not kept.
    expect(page.get_by_role("heading", level=2)).to_have_text("Geslaagd")
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.attempts == 1
    assert [m.to for m in mail.outbox] == [["nieuw@example.org"]]
    assert job.params["body"] == ""
