"""The review queue: confirming a match teaches the fund's next imports, never another
fund's; rejecting proposes a new issuer; only the fund's editors decide."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from convenant.core.errors import ActionError
from convenant.core.testing import World
from convenant.portfolios.actions import confirm_match, import_holdings, reject_match
from convenant.portfolios.models import Issuer, IssuerAlias, Position, Snapshot

AS_OF = datetime.date(2024, 12, 31)
FILE = "Naam;Land;Marktwaarde;Valuta\nMinera Andes Compania;PE;100;EUR\nAlpha Widgets;NL;50;EUR\n"


@pytest.fixture
def queued(world: World, tmp_path: Path) -> Snapshot:
    world.extra["minera"] = Issuer.objects.create(
        legal_name="Compañía Minera Andina S.A.",
        country_of_incorporation="PE",
        source=Issuer.Source.GLEIF,
    )
    path = tmp_path / "posities.csv"
    path.write_text(FILE)
    report = import_holdings(
        by=world.users["fund_editor"], fund=world.fund, as_of=AS_OF, path=path, filename=path.name
    )
    assert report.review == 1 and report.new == 1
    return Snapshot.objects.get(pk=report.snapshot_id)


def reimport(world: World, tmp_path: Path, actor: str, fund: object) -> Position:
    path = tmp_path / "again.csv"
    path.write_text(FILE)
    report = import_holdings(
        by=world.users[actor],
        fund=fund,
        as_of=datetime.date(2024, 6, 30),
        path=path,
        filename=path.name,
    )
    return Position.objects.get(snapshot_id=report.snapshot_id, row=2)


def test_confirming_teaches_this_funds_next_import_only(
    world: World, queued: Snapshot, tmp_path: Path
) -> None:
    minera = world.extra["minera"]
    count = confirm_match(by=world.users["fund_editor"], snapshot=queued, row=2, issuer=minera)
    assert count == 1
    queued.refresh_from_db()
    assert queued.matched_value_eur == 100
    alias = IssuerAlias.objects.get(issuer=minera)
    assert alias.learned_from_party == world.fund and alias.source == "confirmed"

    mine = reimport(world, tmp_path, "fund_editor", world.fund)
    assert (mine.status, mine.match_method, mine.issuer_id) == ("matched", "alias", minera.pk)
    theirs = reimport(world, tmp_path, "other_fund", world.other_fund)
    assert theirs.match_method == "fuzzy" and theirs.status == "review"


def test_rejecting_proposes_a_new_issuer(world: World, queued: Snapshot) -> None:
    proposal = reject_match(by=world.users["fund_editor"], snapshot=queued, row=2)
    position = Position.objects.get(snapshot=queued, row=2)
    assert position.status == "new" and position.issuer == proposal
    assert proposal.proposed_by_party == world.fund


def test_viewers_and_other_funds_cannot_decide(world: World, queued: Snapshot) -> None:
    for actor in ("fund_viewer", "other_fund", "secretariat"):
        with pytest.raises(PermissionDenied):
            confirm_match(
                by=world.users[actor], snapshot=queued, row=2, issuer=world.extra["minera"]
            )
    assert Position.objects.get(snapshot=queued, row=2).status == "review"


def test_an_issuer_the_fund_may_not_see_cannot_be_chosen(world: World, queued: Snapshot) -> None:
    hidden = Issuer.objects.create(
        legal_name="Verborgen B.V.",
        country_of_incorporation="NL",
        source=Issuer.Source.HOLDINGS,
        proposed_by_party=world.other_fund,
    )
    with pytest.raises(ActionError, match="no issuer with this number"):
        confirm_match(by=world.users["fund_editor"], snapshot=queued, row=2, issuer=hidden)


def test_review_page_and_decision(world: World, queued: Snapshot) -> None:
    client = Client()
    client.force_login(world.users["fund_editor"])
    page = client.get(f"/holdings/{queued.pk}/review/").content.decode()
    assert "Minera Andes Compania" in page and "Compañía Minera Andina" in page
    response = client.post(
        f"/holdings/{queued.pk}/review/2/", {"decision": "choose", "issuer": "not-a-number"}
    )
    assert response.status_code == 302
    assert Position.objects.get(snapshot=queued, row=2).status == "review"
    client.post(
        f"/holdings/{queued.pk}/review/2/",
        {"decision": "confirm", "issuer": world.extra["minera"].pk},
    )
    assert Position.objects.get(snapshot=queued, row=2).status == "matched"
