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
# The file gives the country of listing (Chile), the register the country of incorporation
# (Peru): a name that resembles an issuer of another country goes to a person to review.
FILE = "Naam;Land;Marktwaarde;Valuta\nMinera Andina;CL;100;EUR\nAlpha Widgets;NL;50;EUR\n"


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
    assert "Minera Andina (Chili)" in page and "Compañía Minera Andina" in page
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


def test_each_candidate_shows_what_tells_it_apart(world: World, queued: Snapshot) -> None:
    """Given a position to review whose candidate is incorporated in another country than the
    file says, when the editor opens the queue, then the candidate shows its country (with a
    note that the file says otherwise), LEI, ISINs and sector, and a button to confirm it."""
    minera = world.extra["minera"]
    Issuer.objects.filter(pk=minera.pk).update(lei="549300ABCDEFGHIJKL12", sector_name="Materials")
    minera.identifiers.create(scheme="isin", value="PEP000000001")
    client = Client()
    client.cookies["convenant_language"] = "en"
    client.force_login(world.users["fund_editor"])
    page = client.get(f"/holdings/{queued.pk}/review/")
    [(position, choices)] = page.context["rows"]
    assert position.row == 2 and choices[0].issuer.pk == minera.pk
    assert choices[0].other_country and choices[0].isins == ["PEP000000001"]
    html = page.content.decode()
    for shown in (
        "Peru",
        "the file says Chile",
        "549300ABCDEFGHIJKL12",
        "PEP000000001",
        "Materials",
    ):
        assert shown in html, shown
    viewer = Client()
    viewer.force_login(world.users["fund_viewer"])
    viewed = viewer.get(f"/holdings/{queued.pk}/review/").content.decode()
    assert "Compañía Minera Andina" in viewed and 'value="confirm"' not in viewed


def test_choose_another_issuer_searches_the_register_and_the_funds_own_proposals(
    world: World, queued: Snapshot
) -> None:
    """Given the register, a proposal of this fund and one of another fund, when the editor
    searches by name, LEI or ISIN for a row, then the register's issuer and the fund's own
    proposal are offered and the other fund's never; choosing one confirms the row."""
    right = Issuer.objects.create(
        legal_name="Andes Mining Holdings plc",
        country_of_incorporation="GB",
        source=Issuer.Source.GLEIF,
        lei="213800ANDESMINING123",
    )
    right.identifiers.create(scheme="isin", value="GB00ANDES001")
    Issuer.objects.create(
        legal_name="Andes Mining Eigen B.V.",
        country_of_incorporation="NL",
        source=Issuer.Source.HOLDINGS,
        proposed_by_party=world.fund,
    )
    Issuer.objects.create(
        legal_name="Andes Mining Vreemd B.V.",
        country_of_incorporation="NL",
        source=Issuer.Source.HOLDINGS,
        proposed_by_party=world.other_fund,
    )
    client = Client()
    client.cookies["convenant_language"] = "en"
    client.force_login(world.users["fund_editor"])
    url = f"/holdings/{queued.pk}/review/2/search/"
    found = client.get(url, {"q": "Andes Mining"}, HTTP_HX_REQUEST="true")
    names = [c.issuer.legal_name for c in found.context["choices"]]
    assert names == ["Andes Mining Eigen B.V.", "Andes Mining Holdings plc"]
    assert "<html" not in found.content.decode() and "Vreemd" not in found.content.decode()
    for q in ("213800andesmining123", "GB00ANDES001"):
        by_code = client.get(url, {"q": q}).context["choices"]
        assert [c.issuer.pk for c in by_code] == [right.pk], q
    assert "No issuer in the register matches" in client.get(url, {"q": "Vreemd"}).content.decode()
    assert client.get(f"/holdings/{queued.pk}/review/99/search/", {"q": "x"}).status_code == 404
    client.post(f"/holdings/{queued.pk}/review/2/", {"decision": "choose", "issuer": right.pk})
    position = Position.objects.get(snapshot=queued, row=2)
    assert (position.status, position.issuer_id) == ("matched", right.pk)


def test_lines_that_are_not_companies_never_reach_the_queue(world: World, tmp_path: Path) -> None:
    """Given a snapshot with a cash line, the review page lists only companies to review."""
    from convenant.portfolios.tests.matrix import positions

    snapshot = Snapshot.objects.create(fund=world.fund, as_of=AS_OF, source_name="x.csv")
    positions(snapshot, (1, None, "Twijfel B.V.", "review"), (2, None, "USD CASH", "other"))
    Position.objects.filter(snapshot=snapshot, row=2).update(kind=Position.Kind.CASH)
    client = Client()
    client.force_login(world.users["fund_editor"])
    page = client.get(f"/holdings/{snapshot.pk}/review/")
    assert [p.row for p, _choices in page.context["rows"]] == [1]
    assert "USD CASH" not in page.content.decode()
