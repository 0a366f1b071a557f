"""A whole deep-track case in real Chromium, on the demo covenant, through the product's pages:
a union nominates a company → the constituencies score it → the secretariat puts the ranking
to the steering group, whose four seats consent, and the adopted decision opens the case →
the secretariat seats its group → the lead fund agrees the plan → a consultation (A) → an
engagement with a letter and the fund's own AGM vote (B) → remedy (C) → the grievance
mechanism assessed on the eight UNGP 31 criteria (D) → a public communication approved by
the group and published (E) → the lead fund closes the case with its lessons.

Then what the people outside see: a fund outside the case and a union officer outside it
find no case page, only the published text on the public page; so does an anonymous
visitor; the monitoring committee, told of the closure, reads the outcome and lessons."""

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from convenant.core.tests.browser import assert_accessible
from convenant.engagement.ladder import load_ladder
from convenant.engagement.models import Case, Engagement, Nomination
from convenant.governance import demo_bodies
from convenant.governance.models import Decision, Proposal
from convenant.parties.demo import DEMO_PASSWORD, demo_email, fund_code, load_demo_covenant
from convenant.parties.models import Covenant, Membership, Party
from convenant.portfolios.models import Issuer

pytestmark = pytest.mark.browser

TITLE = "Kobaltwinning en kinderarbeid (fictief)"
COMPANY = "Kobalt Kwartsiet Mining plc (fictief)"
FINDINGS = "Gezinnen in Kolwezi melden kinderarbeid in de ambachtelijke mijnen (fictief)."
REMEDY = "Schoolgeld en inkomenssteun voor 120 gezinnen (fictief)."
RATIONALE = "Het bedrijf stopte de inkoop bij de mijnen met kinderarbeid (fictief)."
LESSON_ISSUE = "Bewijs uit het veld opende het gesprek met het bestuur (fictief)."
LESSON_COLLABORATION = "De vakbond en het fonds spraken met één stem (fictief)."
LESSON_POLICY = "Beleid over grondstoffen moet de hele keten omvatten (fictief)."
OUTSIDE_UNION = "vakbond-buiten"


@pytest.fixture
def demo(transactional_db: None, live_server: Any, settings: Any) -> str:
    settings.BASE_URL = live_server.url
    load_demo_covenant()
    demo_bodies.load()
    load_ladder()
    # The demo covenant ran to 2022; it is extended so its parties act today.
    Covenant.objects.update(end_date=datetime.date(2030, 12, 31))
    Issuer.objects.create(
        legal_name=COMPANY, country_of_incorporation="CD", source=Issuer.Source.GLEIF
    )
    # A union officer who sits in no body: the demo's union people hold the steering
    # group's union seat, and the steering group reads every case.
    from convenant.core.models import User

    outsider = User.objects.create_user(demo_email(OUTSIDE_UNION), "Uma Buiten", DEMO_PASSWORD)
    Membership.objects.create(user=outsider, party=Party.objects.get(code="FNV"), role="editor")
    return str(live_server.url)


def log_in(page: Page, base: str, key: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/login/")
    page.get_by_label("E-mailadres").fill(demo_email(key))
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")


def submit(
    page: Page,
    fields: dict[str, Any],
    url: str = "",
    *,
    action: str = "",
    expect_errors: bool = False,
) -> None:
    """Fill the form holding the first field (opening its <details> if folded) and send it:
    text and dates are typed, a select takes the value (or its first real option for None),
    a checkbox or radio is ticked by value (or on its own for True)."""
    if url:
        page.goto(url)
    first = next(iter(fields))
    if action:
        form = page.locator(f"form[action='{action}']").first
    else:
        form = page.locator(f"form:has([name='{first}'])").first
    form.evaluate("f => { const d = f.closest('details'); if (d) d.open = true; }")
    for name, value in fields.items():
        field = form.locator(f"[name='{name}']")
        kind = field.first.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if kind.startswith("select"):
            if value is None:
                field.select_option(index=1)
            else:
                field.select_option(value)
        elif kind.endswith(":checkbox") or kind.endswith(":radio"):
            values = value if isinstance(value, list | tuple) else [value]
            for one in values:
                if one is True:
                    field.first.check()
                else:
                    form.locator(f"[name='{name}'][value='{one}']").check()
        else:
            field.fill(str(value))
    _submit_button(form).click()
    page.wait_for_load_state()
    errors = page.locator(".errorlist")
    if not expect_errors:
        assert errors.count() == 0, errors.all_inner_texts()


def _submit_button(form: Locator) -> Locator:
    return form.locator("button[type='submit'], button:not([type]), input[type='submit']").first


def press(page: Page, action: str) -> None:
    """Send the (one-button) form that posts to ``action``."""
    form = page.locator(f"form[action='{action}']").first
    form.evaluate("f => { const d = f.closest('details'); if (d) d.open = true; }")
    _submit_button(form).click()
    page.wait_for_load_state()
    errors = page.locator(".errorlist")
    assert errors.count() == 0, errors.all_inner_texts()


def vote(page: Page, base: str, number: int) -> None:
    page.goto(f"{base}/governance/proposals/{number}/")
    page.locator("#vote-form input[value='consent']").check()
    page.locator("#vote-form button[type='submit']").click()
    expect(page.locator(".messages")).to_contain_text("is vastgelegd")


def move(page: Page, base: str, case: Case, step: str) -> None:
    ref = case.reference
    submit(page, {"to_step": step}, f"{base}/cases/{ref}/", action=f"/cases/{ref}/step/")
    case.refresh_from_db()
    assert case.step == step


def test_a_whole_case_from_nomination_to_closure(page: Page, demo: str) -> None:
    today = timezone.localdate()
    iso = today.isoformat()
    issuer = Issuer.objects.get(legal_name=COMPANY)
    fund = Party.objects.get(code=fund_code(0))
    union = Party.objects.get(code="FNV")

    # The secretariat opens a selection round.
    log_in(page, demo, "secretariaat")
    submit(
        page,
        {
            "title": "Selectieronde (fictief)",
            "opens_on": iso,
            "closes_on": (today + datetime.timedelta(days=30)).isoformat(),
        },
        f"{demo}/cases/rounds/new/",
    )

    # The union nominates the company, with its evidence, into the round.
    log_in(page, demo, "vakbond")
    submit(
        page,
        {
            "party": str(union.pk),
            "title": TITLE,
            "target": "issuer",
            "issuer_number": issuer.pk,
            "themes": "child-labour",
            "rationale": "Kinderarbeid in de toeleveringsketen van kobalt (fictief).",
            "evidence_severity": "Duizenden kinderen, onomkeerbare schade (fictief).",
            "evidence_likelihood": "Herhaald gemeld door lokale partners (fictief).",
            "evidence_added_value": "Fondsen en vakbonden samen hebben meer invloed (fictief).",
            "evidence_labour_rights": "Kinderarbeid is een kernarbeidsnorm (fictief).",
            "evidence_learning": "Relevant voor de hele batterijketen (fictief).",
            "into_round": True,
        },
        f"{demo}/cases/nominations/new/",
    )
    nomination = Nomination.objects.unrestricted("test").get(title=TITLE)
    assert_accessible(page, "deep-track-nomination")

    # Each constituency scores it on the five criteria.
    for key in ("federatie", "overheid", "vakbond", "ngo"):
        log_in(page, demo, key)
        page.goto(f"{demo}/cases/nominations/{nomination.reference}/score/")
        scores = {f"score_{c}": "4" for c in ("severity", "likelihood", "added_value")}
        scores |= {f"score_{c}": "5" for c in ("labour_rights", "learning")}
        submit(page, scores)

    # The secretariat closes the scoring and puts the ranking to the steering group.
    log_in(page, demo, "secretariaat")
    selection_round = nomination.round
    assert selection_round is not None
    page.goto(f"{demo}/cases/rounds/{selection_round.pk}/")
    assert_accessible(page, "deep-track-round")
    press(page, f"/cases/rounds/{selection_round.pk}/close/")
    submit(
        page,
        {
            "nominations": [nomination.reference],
            "closes_on": (today + datetime.timedelta(days=14)).isoformat(),
        },
        f"{demo}/cases/rounds/{selection_round.pk}/propose/",
    )
    proposal = Proposal.objects.unrestricted("test").get(kind=Proposal.Kind.SELECT_CASES)

    # The four seats consent; the secretariat closes the vote; the decision opens the case.
    for key in ("federatie", "overheid", "vakbond", "ngo"):
        log_in(page, demo, key)
        vote(page, demo, proposal.number)
    log_in(page, demo, "secretariaat")
    page.goto(f"{demo}/governance/proposals/{proposal.number}/")
    page.get_by_role("button", name="De stemming nu sluiten").click()
    expect(page.locator("#proposal-outcome")).to_contain_text("Aangenomen")
    decision = Decision.objects.unrestricted("test").get(proposal=proposal)
    assert decision.effect_state == Decision.EffectState.APPLIED
    case = Case.objects.unrestricted("test").get(nomination=nomination)
    base = f"{demo}/cases/{case.reference}"

    # The secretariat seats the group: the fund as lead fund, the union as union expert.
    lead = Membership.objects.get(user__email=demo_email("fonds-beheerder"), party=fund)
    expert = Membership.objects.get(user__email=demo_email("vakbond"), party=union)
    for membership, role in ((lead, "lead_fund"), (expert, "union_expert")):
        submit(
            page,
            {
                "person": f"{membership.party_id}:{membership.user_id}",
                "role": role,
                "start": iso,
            },
            f"{base}/",
            action=f"/cases/{case.reference}/people/new/",
        )

    # A: the lead fund writes and agrees the plan; the union expert records a consultation.
    log_in(page, demo, "fonds-beheerder")
    submit(
        page,
        {
            "objectives": "Geen kinderarbeid in de keten van het bedrijf (fictief).",
            "questions": "Welke mijnen leveren kobalt? (fictief)",
        },
        f"{base}/plan/",
    )
    submit(
        page,
        {"title": "Het bedrijf publiceert zijn mijnen (fictief)", "target_on": iso},
        f"{base}/",
        action=f"/cases/{case.reference}/plan/milestones/new/",
    )
    submit(page, {"on": iso}, f"{base}/", action=f"/cases/{case.reference}/plan/agree/")
    submit(
        page,
        {"publish": ["title", "themes", "plan_objectives", "step"]},
        f"{base}/",
        action=f"/cases/{case.reference}/publishable/",
    )
    log_in(page, demo, "vakbond")
    submit(
        page,
        {
            "held_on": iso,
            "kind": "affected_group",
            "with_whom": "Ouders in Kolwezi (fictief)",
            "findings": FINDINGS,
        },
        f"{base}/assessment/new/",
    )
    page.goto(f"{base}/assessment/")
    assert_accessible(page, "deep-track-assessment")
    log_in(page, demo, "fonds-beheerder")
    move(page, demo, case, "B")

    # B: an engagement of the case, a letter and the fund's own AGM vote.
    submit(
        page,
        {
            "title": "Engagement kobalt (fictief)",
            "lead_party": str(fund.pk),
            "start_date": iso,
        },
        f"{base}/leverage/new/",
    )
    engagement = Engagement.objects.unrestricted("test").get(case=case)
    for step, extra in (
        ("letter", {}),
        (
            "agm-vote",
            {
                "agm_item": "Agendapunt 7: mensenrechtenbeleid (fictief)",
                "vote": "for",
                "vote_rationale": "Het beleid noemt kinderarbeid (fictief).",
            },
        ),
    ):
        submit(
            page,
            {
                "step": step,
                "occurred_on": iso,
                "party": str(fund.pk),
                "summary": f"Activiteit {step} (fictief).",
                **extra,
            },
            f"{demo}/engagement/{engagement.pk}/activities/new/",
        )
    page.goto(f"{base}/leverage/")
    assert_accessible(page, "deep-track-leverage")
    move(page, demo, case, "C")

    # C: remedy for the affected families.
    submit(
        page,
        {
            "kind": "remedy",
            "what": REMEDY,
            "for_whom": "120 gezinnen (fictief)",
            "status": "agreed",
            "status_on": iso,
        },
        f"{base}/remediation/new/",
    )
    move(page, demo, case, "D")

    # D: the grievance mechanism on all eight criteria.
    criteria = (
        "legitimate",
        "accessible",
        "predictable",
        "equitable",
        "transparent",
        "rights_compatible",
        "continuous_learning",
        "engagement",
    )
    grievance: dict[str, Any] = {
        "assessed_on": iso,
        "mechanism": "Klachtenlijn van het bedrijf (fictief)",
    }
    for criterion in criteria:
        grievance[f"rating_{criterion}"] = "2"
        grievance[f"evidence_{criterion}"] = f"Bewijs {criterion} (fictief)."
    submit(page, grievance, f"{base}/monitoring/grievance/")
    page.goto(f"{base}/monitoring/")
    assert_accessible(page, "deep-track-monitoring")
    move(page, demo, case, "E")

    # E: a public text generated from the publishable fields, approved by both parties of
    # the group, published.
    submit(
        page,
        {"kind": "public", "language": "nl"},
        f"{base}/communication/",
        action=f"/cases/{case.reference}/communication/new/",
    )
    communication = case.communications.get()
    press(page, f"/cases/{case.reference}/communication/{communication.pk}/propose/")
    press(page, f"/cases/{case.reference}/communication/{communication.pk}/approve/")
    log_in(page, demo, "vakbond")
    page.goto(f"{base}/communication/")
    press(page, f"/cases/{case.reference}/communication/{communication.pk}/approve/")
    log_in(page, demo, "fonds-beheerder")
    page.goto(f"{base}/communication/")
    press(page, f"/cases/{case.reference}/communication/{communication.pk}/publish/")
    communication.refresh_from_db()
    assert communication.status == "published"

    # The closure: a lesson missing is named; then the case closes.
    page.goto(f"{base}/lessons/")
    assert_accessible(page, "deep-track-lessons")
    closing = {
        "outcome": "successful",
        "rationale": RATIONALE,
        "lesson_issue": LESSON_ISSUE,
        "lesson_collaboration": LESSON_COLLABORATION,
        "lesson_policy": "",
        "closed_on": iso,
    }
    submit(page, closing, expect_errors=True)
    expect(page.locator("#close .errorlist")).to_contain_text("slotles over: Gevolgen voor beleid")
    submit(page, closing | {"lesson_policy": LESSON_POLICY})
    expect(page.locator(".messages")).to_contain_text("gesloten")
    expect(page.locator("#closure")).to_contain_text(RATIONALE)
    expect(page.locator("#lessons")).to_contain_text(LESSON_POLICY)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.outcome == "successful"
    published = communication.title

    # Outside the case: another fund, a union officer outside it, an anonymous visitor.
    for key in ("ander-fonds", OUTSIDE_UNION):
        log_in(page, demo, key)
        for path in ("/", "/lessons/", "/assessment/", "/remediation/"):
            response = page.goto(f"{base}{path}")
            assert response is not None and response.status == 404, (key, path)
        page.goto(f"{demo}/cases/")
        expect(page.locator("main")).not_to_contain_text(TITLE)
        page.goto(f"{demo}/deep-track/{case.reference}/")
        expect(page.locator("main")).to_contain_text(published)
        expect(page.locator("main")).not_to_contain_text(FINDINGS)
        expect(page.locator("main")).not_to_contain_text(LESSON_POLICY)
    page.context.clear_cookies()
    page.goto(f"{base}/lessons/")
    assert re.search(r"/login/", page.url)
    page.goto(f"{demo}/deep-track/{case.reference}/")
    expect(page.locator("main")).to_contain_text(published)
    expect(page.locator("main")).not_to_contain_text(REMEDY)
    expect(page.locator("main")).not_to_contain_text(RATIONALE)
    assert_accessible(page, "deep-track-public-case")

    # The monitoring committee, told of the closure, reads its outcome and lessons.
    log_in(page, demo, "monitoring")
    page.goto(f"{base}/lessons/")
    expect(page.locator("#closure")).to_contain_text(RATIONALE)
    expect(page.locator("#lessons")).to_contain_text(LESSON_COLLABORATION)
