"""Pre-filled answers: what the platform knows about a fund, offered with its source."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from convenant.core.testing import World
from convenant.reporting.framework import load_all
from convenant.reporting.models import Answer, Cycle, Framework, Question, Submission
from convenant.reporting.prefill import suggestions

WHY = "test"


@pytest.fixture(autouse=True)
def dutch() -> Any:
    with translation.override("nl"):
        yield


def cycle(world: World, label: str, version: str, reference: datetime.date) -> Cycle:
    return Cycle.objects.create(
        covenant=world.covenant,
        label=label,
        name=f"Meting {label}",
        kind=Cycle.Kind.PROGRESS,
        framework=Framework.objects.get(version=version),
        reference_date=reference,
        opens_on=reference,
        closes_on=reference + datetime.timedelta(days=90),
        created_by=world.users["secretariat"],
    )


def submission(world: World, of: Cycle, state: str = "in_progress") -> Submission:
    return Submission.objects.create(cycle=of, party=world.fund, questionnaire="fund", state=state)


@pytest.fixture
def loaded(world: World) -> World:
    load_all()
    return world


def test_the_self_assessment_of_the_year_pre_fills_the_policy_questions(loaded: World) -> None:
    from convenant.toolkit.models import Answer as Requirement
    from convenant.toolkit.models import SelfAssessment
    from convenant.toolkit.requirements import answerable, load_requirements

    # Given a fund whose 2021 self-assessment is completed with 3 of its requirements met
    edition, _ = load_requirements()
    keys = [r.key for r in answerable(edition)]
    assessment = SelfAssessment.objects.create(
        fund=loaded.fund,
        year=2021,
        edition=edition,
        status="completed",
        completed_on=datetime.date(2021, 11, 1),
        created_by=loaded.users["fund_editor"],
    )
    for i, key in enumerate(keys):
        Requirement.objects.create(
            assessment=assessment, requirement_key=key, status="met" if i < 3 else "not_met"
        )
    # When its 2021 submission is pre-filled
    found = suggestions(
        submission(loaded, cycle(loaded, "2021", "2019.1", datetime.date(2021, 12, 31)))
    )
    # Then P1.1 says no (fewer than half met) and P2.2 gives the share, each with its source
    words = f"Zelfevaluatie beleid 2021 (afgerond): 3 van {len(keys)} vereisten voldaan"
    assert found["P1.1"].value is False and found["P1.1"].source == words
    assert found["P1.1"].source_url == f"/toolkit/self-assessment/{assessment.pk}/"
    share = (Decimal(300) / len(keys)).quantize(Decimal("0.1")).normalize()
    assert found["P2.2"].value == format(share, "f")
    # And a year without a self-assessment offers nothing for them
    other = suggestions(
        submission(loaded, cycle(loaded, "2020", "2019.1", datetime.date(2020, 12, 31)))
    )
    assert "P1.1" not in other and "P2.2" not in other


def test_assets_and_the_public_link_come_from_the_directory_then_from_last_year(
    loaded: World,
) -> None:
    # Given a fund with its invested assets and its website in the directory
    loaded.fund.website = "https://alfa.example"
    loaded.fund.save()
    first = submission(loaded, cycle(loaded, "2019", "2019.1", datetime.date(2019, 12, 31)))
    found = suggestions(first)
    assert found["P3.1"].value == "10000000000"
    assert "Belegd vermogen in het partijenoverzicht" in found["P3.1"].source
    assert found["R1.2"].value == "https://alfa.example"
    # When it submitted a link to its report in 2019 (and answered other questions)
    first.state = "accepted"
    first.save()
    questions = {q.code: q for q in Question.objects.filter(framework__version="2019.1")}
    for code, value in [
        ("R1.2", "https://alfa.example/verslag-2019"),
        ("P2.2", "40"),
        ("M1.1", True),
        ("M1.2", "55"),
        ("U1.2", "Selectiecriteria in de uitvraag"),
    ]:
        Answer.objects.create(submission=first, question=questions[code], value=value)
    # Then the next cycle, on the revised framework, offers that link and carries each answer
    # over through the question it continues
    later = submission(loaded, cycle(loaded, "2022", "2022.1", datetime.date(2022, 12, 31)))
    found = suggestions(later)
    assert found["R1.2"].value == "https://alfa.example/verslag-2019"
    assert found["R1.2"].source == "De link uit de rapportage Meting 2019"
    assert found["P2.3"].value == "40"  # P2.2 became P2.3
    assert found["P2.3"].source == "Uw antwoord in Meting 2019 (vraag P2.2)"
    assert found["M1.1"].value == "55"  # M1.1 continues M1.2 (merged)
    assert found["U1.2"].value == "Selectiecriteria in de uitvraag"
    assert "P2.2" not in found  # new in 2022.1: nothing to carry over


def test_a_draft_of_last_year_is_never_carried_over(loaded: World) -> None:
    first = submission(loaded, cycle(loaded, "2019", "2019.1", datetime.date(2019, 12, 31)))
    question = Question.objects.get(framework__version="2019.1", code="U1.2")
    Answer.objects.create(submission=first, question=question, value="Concept")
    later = submission(loaded, cycle(loaded, "2020", "2019.1", datetime.date(2020, 12, 31)))
    assert "U1.2" not in suggestions(later)


def test_mandates_and_engagements_pre_fill_the_outsourcing_and_monitoring_questions(
    loaded: World,
) -> None:
    from convenant.engagement.models import Engagement
    from convenant.outsourcing.models import Mandate, Provider, ReportingRequirement

    editor = loaded.users["fund_editor"]
    provider = Provider.objects.create(
        name="Beheerder (fictief)", kind="asset_manager", created_by=editor
    )
    mandate = Mandate.objects.create(
        fund=loaded.fund,
        provider=provider,
        asset_class="equity",
        invested_eur=Decimal("1000000"),
        start_date=datetime.date(2020, 1, 1),
        created_by=editor,
    )
    ReportingRequirement.objects.create(
        mandate=mandate,
        description="Kwartaalrapportage engagement",
        frequency="quarterly",
        since=datetime.date(2021, 1, 1),
    )
    Engagement.objects.create(
        title="Dialoog over vakbondsrechten (fictief)",
        target="issue",
        issue="Vakbondsvrijheid",
        lead_party=loaded.fund,
        start_date=datetime.date(2021, 3, 1),
        created_by=editor,
    )
    found = suggestions(
        submission(loaded, cycle(loaded, "2021", "2019.1", datetime.date(2021, 12, 31)))
    )
    assert found["U2.1"].value == "1"
    assert found["U2.2"].value == "0"  # no clause of the toolkit recorded in the contract
    assert found["M1.1"].value is True
    assert found["M1.2"].value == "0"  # the last quarter's report is missing
    assert found["M2.2"].value == "1"
    assert found["M2.3"].value == "no"
    assert found["M1.1"].source_url == "/outsourcing/mandates/"
    # Before the mandate started, nothing is offered about mandates
    early = suggestions(
        submission(loaded, cycle(loaded, "2019", "2019.1", datetime.date(2019, 12, 31)))
    )
    assert "U2.1" not in early and "M1.1" not in early
    assert early["M2.2"].value == "0"
