"""The bulk update from a file: Dutch and English headings, dates as people write them,
milestones and activities written through the engagement actions, all rows or none, and
every problem reported with its line, column and value."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from convenant.core.errors import ActionError
from convenant.core.models import AuditEvent
from convenant.core.testing import World
from convenant.engagement.actions import engagements as actions
from convenant.engagement.actions.overviews import import_engagement_updates
from convenant.engagement.importing import UpdateRejected, parse_date, template_file
from convenant.engagement.ladder import load_ladder
from convenant.engagement.models import Activity, Engagement, Milestone, Objective
from convenant.portfolios.models import Issuer

pytestmark = pytest.mark.django_db


@pytest.fixture
def engaged(world: World) -> dict[str, Any]:
    load_ladder()
    by = world.users["fund_editor"]
    issuer = Issuer.objects.create(
        legal_name="Onderneming Ekster N.V.", country_of_incorporation="NL", source="gleif"
    )
    engagement = actions.create_engagement(
        by=by,
        title="Leefbaar loon bij Ekster",
        target=Engagement.Target.ISSUER,
        issuer=issuer,
        lead_party=world.fund,
        start_date=datetime.date(2024, 1, 1),
    )
    objective = actions.add_objective(by=by, engagement=engagement, title="Loonkloof dichten")
    return {"by": by, "engagement": engagement, "objective": objective}


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_dates_as_people_write_them() -> None:
    assert parse_date("31-12-2024") == datetime.date(2024, 12, 31)
    assert parse_date("2024-12-31") == datetime.date(2024, 12, 31)
    assert parse_date("31/12/2024") == datetime.date(2024, 12, 31)
    assert parse_date("2024-12-31 00:00:00") == datetime.date(2024, 12, 31)
    assert parse_date("5 mei 2025") == datetime.date(2025, 5, 5)
    assert parse_date("31-02-2024") is None
    assert parse_date("morgen") is None


def test_a_dutch_csv_sets_targets_reaches_milestones_and_logs_activities(
    world: World, engaged: dict[str, Any]
) -> None:
    e, o = engaged["engagement"], engaged["objective"]
    data = csv_bytes(
        "Engagement;Doelstelling;Mijlpaal;Streefdatum;Bereikt op;Bewijs;Stap;Datum;Partij;"
        "Samenvatting;Vertrouwelijkheid;Agendapunt;Stem;Stemverklaring",
        f"{e.title};{o.title};1;;15-03-2024;Brief verstuurd;;;;;;;;",
        f"{e.pk};{o.pk};2;31-12-2030;;;;;;;;;;",
        f"{e.pk};;;;;;Brief of e-mail;15-03-2024;FA;Brief aan de voorzitter;covenant;;;",
        f"{e.pk};{o.pk};;;;;agm-vote;2024-05-20;Pensioenfonds Alfa;Gestemd;;Punt 4;tegen;"
        "Geen leefbaar loon",
    )
    result = import_engagement_updates(by=engaged["by"], data=data, filename="update.csv")
    # Then every row is written, through the actions, with their audit events.
    assert (result.milestones, result.activities) == (2, 2)
    m1, m2 = Milestone.objects.filter(objective=o, number__in=[1, 2]).order_by("number")
    assert m1.reached_on == datetime.date(2024, 3, 15) and m1.evidence == "Brief verstuurd"
    assert m2.target_on == datetime.date(2030, 12, 31)
    letter, vote = Activity.objects.filter(engagement=e).order_by("occurred_on")
    assert (letter.step, letter.confidentiality, letter.objective) == ("letter", "covenant", None)
    assert (vote.step, vote.vote, vote.agm_item, vote.objective) == (
        "agm-vote",
        "against",
        "Punt 4",
        o,
    )
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        "engagement.reach_milestone",
        "engagement.log_activity",
        "engagement.import_updates",
    } <= verbs
    # The same file again: the milestones stand as they are; the activities are logged again.
    again = import_engagement_updates(by=engaged["by"], data=data, filename="update.csv")
    assert again.unchanged == 2 and again.milestones == 0


def test_an_english_xlsx_is_read(world: World, engaged: dict[str, Any]) -> None:
    e, o = engaged["engagement"], engaged["objective"]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Engagement", "Objective", "Milestone", "Target date"])
    sheet.append([e.pk, o.title, 3, datetime.datetime(2029, 6, 30)])
    out = io.BytesIO()
    book.save(out)
    result = import_engagement_updates(by=engaged["by"], data=out.getvalue(), filename="u.xlsx")
    assert result.milestones == 1
    assert Milestone.objects.get(objective=o, number=3).target_on == datetime.date(2029, 6, 30)


def test_a_file_with_one_problem_saves_nothing_and_says_where(
    world: World, engaged: dict[str, Any]
) -> None:
    e, o = engaged["engagement"], engaged["objective"]
    events = AuditEvent.objects.count()
    data = csv_bytes(
        "engagement,objective,milestone,target date,step,date,party,summary",
        f"{e.pk},{o.pk},2,31-12-2030,,,,",
        f"{e.pk},{o.pk},3,31-13-2030,,,,",
        f"{e.pk},,,,klaagzang,01-02-2024,FA,Iets",
        "Onbekend engagement,,,,letter,01-02-2024,FA,Iets",
    )
    with pytest.raises(UpdateRejected) as refused:
        import_engagement_updates(by=engaged["by"], data=data, filename="update.csv")
    problems = [(p.line, p.value) for p in refused.value.problems]
    assert problems == [(3, "31-13-2030"), (4, "klaagzang"), (5, "Onbekend engagement")]
    assert Milestone.objects.get(objective=o, number=2).target_on is None
    assert AuditEvent.objects.count() == events


def test_a_row_the_action_refuses_rolls_back_the_rows_before_it(
    world: World, engaged: dict[str, Any]
) -> None:
    e, o = engaged["engagement"], engaged["objective"]
    # An activity before the engagement started passes the file's checks, not the action's.
    data = csv_bytes(
        "engagement,objective,milestone,target date,step,date,party,summary",
        f"{e.pk},{o.pk},2,31-12-2030,,,,",
        f"{e.pk},,,,letter,01-02-2020,FA,Te vroeg",
    )
    with pytest.raises(UpdateRejected) as refused:
        import_engagement_updates(by=engaged["by"], data=data, filename="update.csv")
    assert [p.line for p in refused.value.problems] == [3]
    assert Milestone.objects.get(objective=o, number=2).target_on is None
    assert not Activity.objects.exists()


def test_another_funds_engagement_cannot_be_updated(world: World, engaged: dict[str, Any]) -> None:
    e, o = engaged["engagement"], engaged["objective"]
    data = csv_bytes("engagement,objective,milestone,target date", f"{e.pk},{o.pk},2,31-12-2030")
    with pytest.raises(UpdateRejected):
        import_engagement_updates(by=world.users["other_fund"], data=data, filename="u.csv")
    assert Milestone.objects.get(objective=o, number=2).target_on is None


def test_unknown_columns_are_named(world: World, engaged: dict[str, Any]) -> None:
    data = csv_bytes("engagement,kleur,milestone", "1,rood,2")
    with pytest.raises(ActionError, match="kleur"):
        import_engagement_updates(by=engaged["by"], data=data, filename="u.csv")


def test_the_template_reads_back_with_its_own_headings(
    world: World, engaged: dict[str, Any]
) -> None:
    content, _kind = template_file("xlsx")
    with pytest.raises(UpdateRejected) as refused:  # its example rows name engagement 12
        import_engagement_updates(by=engaged["by"], data=content, filename="template.xlsx")
    assert {p.line for p in refused.value.problems} == {2, 3}


def test_the_page_and_the_api(world: World, engaged: dict[str, Any]) -> None:
    e, o = engaged["engagement"], engaged["objective"]
    client = Client()
    client.force_login(world.users["fund_editor"])
    bad = csv_bytes("engagement,objective,milestone,target date", f"{e.pk},{o.pk},7,31-12-2030")
    page = client.post(
        reverse("engagement_import"), {"file": SimpleUploadedFile("u.csv", bad)}
    ).content.decode()
    # The page lists the problem with its line and value; nothing was saved.
    assert "<td>7</td>" in page and 'class="num">2</td>' in page
    assert Milestone.objects.get(objective=o, number=1).target_on is None
    assert Objective.objects.count() == 1
    answer = client.post(reverse("api:import_updates"), {"file": SimpleUploadedFile("u.csv", bad)})
    assert answer.status_code == 400
    assert answer.json()["problems"][0]["line"] == 2
    good = csv_bytes("engagement,objective,milestone,target date", f"{e.pk},{o.pk},4,31-12-2031")
    answer = client.post(reverse("api:import_updates"), {"file": SimpleUploadedFile("u.csv", good)})
    assert answer.status_code == 200 and answer.json()["milestones"] == 1
    template = client.get(reverse("engagement_import_template", args=["csv"]))
    assert template.status_code == 200 and b"Engagement" in template.content


def test_a_file_over_the_limit_is_refused_unread(world: World, engaged: dict[str, Any]) -> None:
    from convenant.engagement import importing

    client = Client()
    client.force_login(world.users["fund_editor"])
    big = b"engagement,objective\n" + b"1,2\n" * (importing.LIMITS.max_bytes // 4 + 1)
    page = client.post(reverse("engagement_import"), {"file": SimpleUploadedFile("u.csv", big)})
    assert page.status_code == 200 and b"errorlist" in page.content
    assert not AuditEvent.objects.filter(verb="engagement.import_updates").exists()
