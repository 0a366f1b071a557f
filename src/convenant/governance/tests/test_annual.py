"""The annual covenant meeting: the invitation and the pack, from live data, as HTML and PDF;
who reads which copy; the registry of pack sections that later apps join."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from convenant.core.testing import World
from convenant.governance import annual
from convenant.governance.models import ActionItem, AgendaItem, Decision, Meeting
from convenant.governance.testing import Governance, governance_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def gov(world: World) -> Governance:
    gov = governance_of(world)
    steering = gov.steering_group
    meeting = Meeting.objects.create(
        body=steering,
        title="Jaarbijeenkomst 2022",
        starts_at=datetime.datetime(2022, 11, 10, 13, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2022, 11, 10, 17, tzinfo=datetime.UTC),
        location="Utrecht",
        state=Meeting.State.AGENDA_PUBLISHED,
        annual=True,
    )
    AgendaItem.objects.create(meeting=meeting, title="Terugblik op het jaar", order=1)
    for number, title, confidential, on in (
        (1, "Toolkit 2022 vastgesteld", False, datetime.date(2022, 3, 1)),
        (2, "Geheime casuskeuze Lepelaar", True, datetime.date(2022, 6, 1)),
        (3, "Oud besluit Smient", False, datetime.date(2020, 1, 1)),
    ):
        Decision.objects.create(
            number=number,
            body=steering,
            title=title,
            text="Tekst.",
            decided_on=on,
            confidential=confidential,
        )
    ActionItem.objects.create(
        body=gov.working_group,
        title="Actiepunt Pimpelmees",
        owner_party=world.fund,
        due_on=datetime.date(2022, 1, 1),
    )
    Meeting.objects.create(
        body=gov.working_group,
        title="Werkgroep mei",
        starts_at=datetime.datetime(2022, 5, 1, 9, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2022, 5, 1, 11, tzinfo=datetime.UTC),
        state=Meeting.State.MINUTES_APPROVED,
    )
    return gov


def _page(user: Any, url: str) -> tuple[int, str]:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    return response.status_code, response.content.decode(errors="replace")


def test_a_party_member_reads_the_pack_without_confidential_content(
    world: World, gov: Governance
) -> None:
    status, page = _page(world.users["union"], "/governance/annual/2022/pack/")
    assert status == 200
    assert "Toolkit 2022 vastgesteld" in page  # a public decision of the year
    assert "Geheime casuskeuze Lepelaar" not in page  # confidential: the body's copy only
    assert "Oud besluit Smient" not in page  # not of this year
    assert "Werkgroep Toolkit" in page and "Fund Editor" in page  # the working group, its member
    assert "Actiepunt Pimpelmees" not in page  # what the action is stays with the body …
    # … but how many are open per body is reported
    wg = annual._working_groups(world.users["union"], annual.meeting_of(2022))
    row = next(g for g in wg["groups"] if g["body"] == gov.working_group)
    assert (row["meetings_held"], row["open_actions"]) == (1, 1)
    # a place kept for each expected section no app has registered yet
    kept = [name for name in annual.EXPECTED if name not in annual._sections]
    assert page.count('class="placeholder"') == len(kept)


def test_the_body_s_own_copy_holds_its_confidential_decisions(
    world: World, gov: Governance
) -> None:
    for reader in (gov.holders["funds"], world.users["secretariat"]):
        status, page = _page(reader, "/governance/annual/2022/pack/")
        assert status == 200 and "Geheime casuskeuze Lepelaar" in page
    # the working group's member reads the open action of the group
    status, page = _page(world.users["fund_editor"], "/governance/annual/2022/pack/")
    assert "Actiepunt Pimpelmees" in page and "Geheime casuskeuze Lepelaar" not in page


def test_the_invitation_and_who_may_read_it(world: World, gov: Governance) -> None:
    status, page = _page(world.users["fund_viewer"], "/governance/annual/2022/invitation/")
    assert status == 200 and "Utrecht" in page and "Terugblik op het jaar" in page
    assert _page(world.users["former"], "/governance/annual/2022/invitation/")[0] == 403
    assert _page(None, "/governance/annual/2022/invitation/")[0] == 302  # to log in
    assert _page(world.users["fund_viewer"], "/governance/annual/2020/invitation/")[0] == 404


def test_the_pdf_is_the_same_pack(world: World, gov: Governance) -> None:
    client = Client()
    client.force_login(world.users["union"])
    response = client.get("/governance/annual/2022/pack.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Toolkit 2022 vastgesteld" in text
    assert "Lepelaar" not in text


@pytest.fixture
def monitoring_section() -> Iterator[None]:
    registered = annual._sections.get("monitoring_summary")  # reporting's own, if loaded
    annual.register_pack_section(
        "monitoring_summary",
        40,
        lambda user, meeting: {"rows": ["Samenvatting Kwartel"]},
        title="Monitoring",
        template="governance/test_pack_section.html",
    )
    yield
    annual._sections.pop("monitoring_summary")
    if registered is not None:
        annual._sections["monitoring_summary"] = registered


def test_a_later_app_s_section_takes_its_kept_place(
    world: World, gov: Governance, monitoring_section: None, tmp_path: Any, settings: Any
) -> None:
    (tmp_path / "governance").mkdir()
    (tmp_path / "governance" / "test_pack_section.html").write_text(
        "{% for r in section.rows %}{{ r }}{% endfor %}"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0].get("DIRS", [])]}
    ]
    _status, page = _page(world.users["union"], "/governance/annual/2022/pack/")
    assert "Samenvatting Kwartel" in page
    assert page.count('class="placeholder"') == len(  # the places still kept
        [name for name in annual.EXPECTED if name not in annual._sections]
    )
