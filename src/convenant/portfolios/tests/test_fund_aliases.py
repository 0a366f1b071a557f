"""A fund's match decisions are its own (DESIGN §5). A name one fund confirmed never changes
what another fund's import does, so no fund can learn from its own imports that another
fund holds a company, and each fund's own choice is kept. Register-wide aliases come only
from the secretariat (GLEIF, a merge of register issuers, by hand)."""

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from convenant.core.access import Role
from convenant.core.errors import ActionError
from convenant.core.testing import World
from convenant.parties.models import Membership
from convenant.portfolios.actions import confirm_match, import_holdings, merge_issuers
from convenant.portfolios.matching import Matcher, Query
from convenant.portfolios.models import Issuer, IssuerAlias, Position

FILE = "Naam;Land;Marktwaarde;Valuta\nMinera Andes Compania;PE;100;EUR\n"
NAME = "Minera Andes Compania"


@pytest.fixture
def minas(world: World) -> dict[str, Issuer]:
    """Two register issuers a reviewer could reasonably take the file's name for."""
    return {
        "andina": Issuer.objects.create(
            legal_name="Compañía Minera Andina S.A.",
            country_of_incorporation="PE",
            source=Issuer.Source.GLEIF,
        ),
        "andes": Issuer.objects.create(
            legal_name="Minera de los Andes S.A.A.",
            country_of_incorporation="PE",
            source=Issuer.Source.GLEIF,
        ),
    }


def import_file(world: World, tmp_path: Path, actor: str, fund: Any, day: int) -> Position:
    path = tmp_path / f"{actor}-{day}.csv"
    path.write_text(FILE)
    report = import_holdings(
        by=world.users[actor],
        fund=fund,
        as_of=datetime.date(2024, 1, day),
        path=path,
        filename=path.name,
    )
    return Position.objects.get(snapshot_id=report.snapshot_id, row=2)


def confirm(world: World, actor: str, position: Position, issuer: Issuer) -> None:
    confirm_match(
        by=world.users[actor], snapshot=position.snapshot, row=position.row, issuer=issuer
    )


def outcome(position: Position) -> tuple[str, str, int | None]:
    return (position.status, position.match_method, position.issuer_id)


def test_a_funds_choice_is_kept_when_another_fund_chose_differently(
    world: World, minas: dict[str, Issuer], tmp_path: Path
) -> None:
    # Given fund B confirmed the name as one company,
    theirs = import_file(world, tmp_path, "other_fund", world.other_fund, 1)
    confirm(world, "other_fund", theirs, minas["andina"])
    # when fund A confirms the same name as another company,
    mine = import_file(world, tmp_path, "fund_editor", world.fund, 2)
    confirm(world, "fund_editor", mine, minas["andes"])
    # then A's next import follows A's choice, and B's follows B's.
    assert outcome(import_file(world, tmp_path, "fund_editor", world.fund, 3)) == (
        "matched",
        "alias",
        minas["andes"].pk,
    )
    assert outcome(import_file(world, tmp_path, "other_fund", world.other_fund, 4)) == (
        "matched",
        "alias",
        minas["andina"].pk,
    )


def test_what_a_fund_sees_does_not_depend_on_another_funds_confirmations(
    world: World, minas: dict[str, Issuer], tmp_path: Path
) -> None:
    """The oracle: A confirms a name and imports again. What A then sees must be the same
    whether or not fund B had confirmed that name before."""

    def a_confirms_and_imports_again(day: int) -> tuple[str, str, int | None]:
        mine = import_file(world, tmp_path, "fund_editor", world.fund, day)
        confirm(world, "fund_editor", mine, minas["andina"])
        return outcome(import_file(world, tmp_path, "fund_editor", world.fund, day + 1))

    alone = a_confirms_and_imports_again(1)
    IssuerAlias.objects.filter(learned_from_party=world.fund).delete()  # A starts afresh

    theirs = import_file(world, tmp_path, "other_fund", world.other_fund, 10)
    confirm(world, "other_fund", theirs, minas["andina"])
    after_b = a_confirms_and_imports_again(20)

    assert alone == after_b == ("matched", "alias", minas["andina"].pk)


def test_a_funds_aliases_are_seen_by_that_fund_only(
    world: World, minas: dict[str, Issuer], tmp_path: Path
) -> None:
    mine = import_file(world, tmp_path, "fund_editor", world.fund, 1)
    confirm(world, "fund_editor", mine, minas["andina"])
    alias = IssuerAlias.objects.get(learned_from_party=world.fund)
    for actor, sees in [
        ("fund_viewer", True),
        ("other_fund", False),
        ("secretariat", False),  # a fund's match decisions are not the secretariat's either
        ("union", False),
    ]:
        assert IssuerAlias.objects.visible_to(world.users[actor]).filter(pk=alias.pk).exists() is (
            sees
        ), actor
    # Nor does another fund's matcher use it, even for a person in both funds.
    found = Matcher.for_fund(world.other_fund).match([Query(1, name=NAME, country="PE")])[0]
    assert found.method != "alias"


def test_register_aliases_serve_every_fund_but_a_funds_own_goes_first(
    world: World, minas: dict[str, Issuer], tmp_path: Path
) -> None:
    IssuerAlias.objects.create(
        issuer=minas["andina"], name=NAME, country="PE", source=IssuerAlias.Source.MANUAL
    )
    assert outcome(import_file(world, tmp_path, "other_fund", world.other_fund, 1)) == (
        "matched",
        "alias",
        minas["andina"].pk,
    )
    mine = import_file(world, tmp_path, "fund_editor", world.fund, 2)
    confirm(world, "fund_editor", mine, minas["andes"])
    assert outcome(import_file(world, tmp_path, "fund_editor", world.fund, 3)) == (
        "matched",
        "alias",
        minas["andes"].pk,
    )
    assert outcome(import_file(world, tmp_path, "other_fund", world.other_fund, 4))[2] == (
        minas["andina"].pk
    )


def test_merging_a_funds_proposal_keeps_its_name_that_funds_own(
    world: World, minas: dict[str, Issuer], tmp_path: Path
) -> None:
    # Given fund A's import proposed a new issuer under a name the register does not know,
    path = tmp_path / "new.csv"
    path.write_text("Naam;Land;Marktwaarde;Valuta\nZanmar Textiles Kft;HU;10;EUR\n")
    report = import_holdings(
        by=world.users["fund_editor"],
        fund=world.fund,
        as_of=datetime.date(2024, 2, 1),
        path=path,
        filename=path.name,
    )
    proposal = Issuer.objects.get(proposed_by_party=world.fund)
    assert Position.objects.get(snapshot_id=report.snapshot_id).issuer == proposal
    register = Issuer.objects.create(
        legal_name="Zanmar Textil Korlátolt Felelősségű Társaság",
        country_of_incorporation="HU",
        source=Issuer.Source.GLEIF,
    )
    # when the secretariat merges it into the register's issuer,
    merge_issuers(by=world.users["secretariat"], duplicate=proposal, into=register)
    # then the proposal's name leads A's imports to it, and nobody else's.
    alias = IssuerAlias.objects.get(issuer=register)
    assert alias.learned_from_party == world.fund
    assert not IssuerAlias.objects.visible_to(world.users["other_fund"]).filter(issuer=register)
    assert not IssuerAlias.objects.visible_to(world.users["secretariat"]).filter(issuer=register)
    query = [Query(1, name="Zanmar Textiles Kft", country="HU")]
    assert Matcher.for_fund(world.fund).match(query)[0].issuer_id == register.pk
    assert Matcher.for_fund(world.other_fund).match(query)[0].method != "alias"


def test_merging_register_issuers_makes_a_register_alias(world: World) -> None:
    old, new = (
        Issuer.objects.create(legal_name=name, country_of_incorporation="NL", source="gleif")
        for name in ("Oude Naam N.V.", "Nieuwe Naam N.V.")
    )
    merge_issuers(by=world.users["secretariat"], duplicate=old, into=new)
    alias = IssuerAlias.objects.get(issuer=new)
    assert alias.learned_from_party is None and alias.source == IssuerAlias.Source.MERGE
    for actor in ("fund_viewer", "other_fund", "secretariat"):
        assert IssuerAlias.objects.visible_to(world.users[actor]).filter(pk=alias.pk).exists()


def test_a_match_decision_in_the_audit_log_is_the_funds_own(
    world: World, minas: dict[str, Issuer], tmp_path: Path
) -> None:
    mine = import_file(world, tmp_path, "fund_editor", world.fund, 1)
    confirm(world, "fund_editor", mine, minas["andes"])

    def log(actor: str) -> str:
        client = Client()
        client.force_login(world.users[actor])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = client.get("/audit/?verb=portfolios.confirm_match")
        assert response.status_code == 200
        return response.content.decode()

    secretariat, fund_admin, other = log("secretariat"), log("fund_admin"), log("other_fund")
    assert "Match confirmed" in secretariat and "Withheld" in secretariat
    assert "Pensioenfonds Alfa" not in secretariat.split("<tbody>")[1]  # the snapshot's name
    assert "Withheld" not in fund_admin and "Pensioenfonds Alfa" in fund_admin
    assert "<tbody>" in other and "Match confirmed" not in other.split("<tbody>")[1]


def test_a_person_in_two_funds_cannot_give_one_fund_the_others_proposal(
    world: World, minas: dict[str, Issuer], tmp_path: Path
) -> None:
    editor = world.users["fund_editor"]
    Membership.objects.create(user=editor, party=world.other_fund, role=Role.EDITOR)
    theirs = Issuer.objects.create(
        legal_name="Minera Andes Compania",
        country_of_incorporation="PE",
        source=Issuer.Source.HOLDINGS,
        proposed_by_party=world.other_fund,
    )
    mine = import_file(world, tmp_path, "fund_editor", world.fund, 1)
    assert mine.issuer_id != theirs.pk  # the import never matched it either
    with pytest.raises(ActionError, match="no issuer with this number"):
        confirm(world, "fund_editor", mine, theirs)
