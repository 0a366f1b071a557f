"""Providers, mandates, the model clauses a contract holds and renewal tasks, through their
actions: a provider is kept once and duplicates merge; a mandate never ends before it starts
and names a provider that is kept; a clause from a superseded version is refused as new; the
evidence is a document by its content."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from convenant.core.audit import AuditEvent
from convenant.core.errors import ActionError
from convenant.core.testing import World
from convenant.outsourcing.actions import mandates as actions
from convenant.outsourcing.models import Mandate, MandateClause, Provider, RenewalTask
from convenant.toolkit.models import ModelText, TextVersion
from convenant.toolkit.views.texts import word_diff

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LEI = "724500VKKSH9QOLTFR81"  # a well-formed LEI (check digits 81)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64

V1 = "De beheerder neemt de OESO-richtlijnen in acht bij alle beleggingen."
V2 = "De beheerder neemt de OESO-richtlijnen en de UNGP's in acht bij alle beleggingen."


def make_clause_texts(creator: Any) -> dict[str, Any]:
    """A contract clause for any provider with version 1 (adopted 2019, superseded 2022)
    and version 2 in force; and one for voting providers only."""
    text = ModelText.objects.create(identifier="contract-oecd", kind="contract_clause")
    v1 = TextVersion.objects.create(
        text=text,
        number=1,
        status="superseded",
        title="OESO-richtlijnen",
        title_en="OECD Guidelines",
        body=V1,
        body_en="The manager observes the OECD Guidelines.",
        adopted_on=datetime.date(2019, 6, 1),
        superseded_on=datetime.date(2022, 3, 1),
        created_by=creator,
    )
    v2 = TextVersion.objects.create(
        text=text,
        number=2,
        status="adopted",
        title="OESO-richtlijnen en UNGP's",
        title_en="OECD Guidelines and UNGPs",
        body=V2,
        body_en="The manager observes the OECD Guidelines and the UNGPs.",
        adopted_on=datetime.date(2022, 3, 1),
        created_by=creator,
    )
    voting = ModelText.objects.create(
        identifier="contract-voting", kind="contract_clause", audience="voting_provider"
    )
    TextVersion.objects.create(
        text=voting,
        number=1,
        status="adopted",
        title="Stemmen",
        title_en="Voting",
        body="Stem volgens het beleid.",
        body_en="Vote by the policy.",
        adopted_on=datetime.date(2021, 1, 1),
        created_by=creator,
    )
    return {"text": text, "v1": v1, "v2": v2, "voting": voting}


@pytest.fixture
def provider(world: World) -> Provider:
    return actions.add_provider(
        by=world.users["fund_editor"],
        name="Noordzee Vermogensbeheer B.V.",
        kind="asset_manager",
        lei=LEI,
        country="NL",
    )


@pytest.fixture
def mandate(world: World, provider: Provider) -> Mandate:
    return actions.record_mandate(
        by=world.users["fund_editor"],
        fund=world.fund,
        provider=provider,
        asset_class="listed_equity",
        invested_eur=Decimal("1250000000"),
        start_date=datetime.date(2020, 1, 1),
        contract_reference="IMA-2020-01",
    )


# --- Providers ---------------------------------------------------------------------------


def test_a_provider_is_kept_once_the_same_lei_or_name_and_country_is_offered_instead(
    world: World, provider: Provider
) -> None:
    editor = world.users["union"]
    with pytest.raises(ActionError) as by_lei:
        actions.add_provider(by=editor, name="Andere naam", kind="consultant", lei=LEI)
    assert "Noordzee Vermogensbeheer B.V." in by_lei.value.messages[0]
    assert by_lei.value.code == "conflict" and by_lei.value.field == "lei"
    with pytest.raises(ActionError) as by_name:
        actions.add_provider(
            by=editor, name="noordzee  vermogensbeheer", kind="asset_manager", country="nl"
        )
    assert f"number {provider.pk}" in by_name.value.messages[0]
    assert Provider.objects.count() == 1
    # The same name in another country is another provider.
    actions.add_provider(
        by=editor, name="Noordzee Vermogensbeheer", kind="asset_manager", country="BE"
    )
    assert Provider.objects.count() == 2


def test_a_provider_needs_a_valid_lei_and_an_editor(world: World) -> None:
    with pytest.raises(ActionError) as bad:
        actions.add_provider(
            by=world.users["fund_editor"],
            name="X",
            kind="asset_manager",
            lei="724500VKKSH9QOLTFR82",
        )
    assert bad.value.field == "lei"
    with pytest.raises(ActionError):
        actions.add_provider(by=world.users["fund_viewer"], name="X", kind="asset_manager")
    with pytest.raises(ActionError):
        actions.add_provider(by=world.users["former"], name="X", kind="asset_manager")
    assert Provider.objects.count() == 0


def test_the_secretariat_merges_a_duplicate_and_its_mandates_follow(
    world: World, provider: Provider
) -> None:
    duplicate = Provider.objects.create(
        name="Noordzee VB", kind="asset_manager", created_by=world.users["secretariat"]
    )
    theirs = actions.record_mandate(
        by=world.users["other_fund"],
        fund=world.other_fund,
        provider=duplicate,
        asset_class="fixed_income",
        start_date=datetime.date(2021, 1, 1),
    )
    with pytest.raises(ActionError):
        actions.merge_provider(by=world.users["fund_admin"], duplicate=duplicate, kept=provider)
    with pytest.raises(ActionError):
        actions.merge_provider(by=world.users["secretariat"], duplicate=provider, kept=provider)

    actions.merge_provider(by=world.users["secretariat"], duplicate=duplicate, kept=provider)

    theirs.refresh_from_db()
    duplicate.refresh_from_db()
    assert theirs.provider_id == provider.pk
    assert duplicate.merged_into_id == provider.pk
    event = AuditEvent.objects.get(verb="outsourcing.merge_provider")
    assert event.after["mandates_moved"] == 1
    # A mandate recorded later with the merged one lands on the one kept.
    later = actions.record_mandate(
        by=world.users["fund_editor"],
        fund=world.fund,
        provider=duplicate.pk,
        asset_class="real_estate",
        start_date=datetime.date(2023, 1, 1),
    )
    assert later.provider_id == provider.pk


# --- Mandates ----------------------------------------------------------------------------


def test_a_mandate_that_ends_before_it_starts_is_refused(world: World, provider: Provider) -> None:
    with pytest.raises(ActionError) as refused:
        actions.record_mandate(
            by=world.users["fund_editor"],
            fund=world.fund,
            provider=provider,
            asset_class="listed_equity",
            start_date=datetime.date(2024, 1, 1),
            end_date=datetime.date(2023, 12, 31),
        )
    assert refused.value.field == "end_date"
    assert "before it starts" in refused.value.messages[0]
    assert Mandate.objects.count() == 0


def test_an_unknown_provider_is_refused_clearly(world: World) -> None:
    with pytest.raises(ActionError) as refused:
        actions.record_mandate(
            by=world.users["fund_editor"],
            fund=world.fund,
            provider=987654,
            asset_class="listed_equity",
            start_date=TODAY,
        )
    assert refused.value.field == "provider"
    assert "987654" in refused.value.messages[0]
    assert Mandate.objects.count() == 0


def test_only_the_funds_editors_record_its_mandates(world: World, provider: Provider) -> None:
    for who in ("fund_viewer", "other_fund", "secretariat"):
        with pytest.raises(ActionError):
            actions.record_mandate(
                by=world.users[who],
                fund=world.fund,
                provider=provider,
                asset_class="listed_equity",
                start_date=TODAY,
            )
    assert Mandate.objects.count() == 0


def test_a_renewal_date_plans_one_task_the_notice_months_before(
    world: World, mandate: Mandate
) -> None:
    editor = world.users["fund_editor"]
    actions.update_mandate(by=editor, mandate=mandate, renewal_date=datetime.date(2027, 8, 31))
    actions.update_mandate(by=editor, mandate=mandate, renewal_date=datetime.date(2027, 8, 31))
    task = RenewalTask.objects.get(mandate=mandate)
    assert task.due_on == datetime.date(2027, 2, 28)  # six months before, the month's end
    actions.update_mandate(by=editor, mandate=mandate, renewal_date=datetime.date(2028, 1, 1))
    assert RenewalTask.objects.filter(mandate=mandate).count() == 2

    with pytest.raises(ActionError):
        actions.complete_renewal_task(by=editor, task=task, note="  ")
    actions.complete_renewal_task(by=editor, task=task, note="Clausules nagelopen")
    task.refresh_from_db()
    assert task.done_on == TODAY and task.note == "Clausules nagelopen"


def test_ending_a_mandate_is_checked_against_its_start(world: World, mandate: Mandate) -> None:
    editor = world.users["fund_editor"]
    with pytest.raises(ActionError):
        actions.end_mandate(by=editor, mandate=mandate, end_date=datetime.date(2019, 1, 1))
    actions.end_mandate(by=editor, mandate=mandate, end_date=datetime.date(2024, 6, 30))
    mandate.refresh_from_db()
    assert mandate.end_date == datetime.date(2024, 6, 30)
    assert not Mandate.objects.visible_to(editor).running().exists()


# --- Clauses -----------------------------------------------------------------------------


def test_a_clause_from_a_superseded_version_is_refused_as_new(
    world: World, mandate: Mandate
) -> None:
    texts = make_clause_texts(world.users["secretariat"])
    with pytest.raises(ActionError) as refused:
        actions.record_clause(
            by=world.users["fund_editor"],
            mandate=mandate,
            text=texts["text"],
            inclusion="verbatim",
            version=texts["v1"],
            contract_date=datetime.date(2023, 5, 1),
        )
    message = refused.value.messages[0]
    assert "Version 1 was superseded by version 2" in message and "2022" in message
    assert MandateClause.objects.count() == 0


def test_an_older_version_in_force_at_the_contract_date_is_held_and_shown_superseded(
    world: World, mandate: Mandate
) -> None:
    texts = make_clause_texts(world.users["secretariat"])
    clause = actions.record_clause(
        by=world.users["fund_editor"],
        mandate=mandate,
        text=texts["text"],
        inclusion="verbatim",
        version=texts["v1"],
        contract_date=datetime.date(2020, 1, 1),
        passage="art. 12",
    )
    assert clause.version_id == texts["v1"].pk
    assert actions.mandates_with_outdated(world.users["fund_viewer"], [mandate.pk]) == {
        mandate.pk: 1
    }
    # Brought up to the version in force, it no longer counts.
    actions.record_clause(
        by=world.users["fund_editor"],
        mandate=mandate,
        text=texts["text"],
        inclusion="verbatim",
        version=texts["v2"],
        contract_date=datetime.date(2024, 1, 1),
    )
    assert MandateClause.objects.count() == 1
    assert actions.mandates_with_outdated(world.users["fund_viewer"], [mandate.pk]) == {}


def test_an_adapted_clause_keeps_its_wording_and_shows_the_word_diff(
    world: World, mandate: Mandate
) -> None:
    texts = make_clause_texts(world.users["secretariat"])
    with pytest.raises(ActionError) as bare:
        actions.record_clause(
            by=world.users["fund_editor"],
            mandate=mandate,
            text=texts["text"],
            inclusion="adapted",
            version=texts["v2"],
        )
    assert bare.value.field == "adapted_text"
    own = "De beheerder neemt de OESO-richtlijnen en de UNGP's in acht bij aandelen."
    actions.record_clause(
        by=world.users["fund_editor"],
        mandate=mandate,
        text=texts["text"],
        inclusion="adapted",
        version=texts["v2"],
        adapted_text=own,
    )
    runs = word_diff(V2, own)
    assert [t for op, t in runs if op == "-"] == ["alle beleggingen"]
    assert [t for op, t in runs if op == "+"] == ["aandelen"]
    assert "".join(t for op, t in runs if op != "+") == V2
    assert "".join(t for op, t in runs if op != "-") == own


def test_not_included_needs_a_reason_and_a_clause_must_fit_the_provider(
    world: World, mandate: Mandate
) -> None:
    texts = make_clause_texts(world.users["secretariat"])
    editor = world.users["fund_editor"]
    with pytest.raises(ActionError) as no_reason:
        actions.record_clause(
            by=editor, mandate=mandate, text=texts["text"], inclusion="not_included"
        )
    assert no_reason.value.field == "reason"
    with pytest.raises(ActionError) as wrong_kind:
        actions.record_clause(
            by=editor, mandate=mandate, text=texts["voting"], inclusion="not_included", reason="-"
        )
    assert wrong_kind.value.field == "text"
    actions.record_clause(
        by=editor,
        mandate=mandate,
        text=texts["text"],
        inclusion="not_included",
        reason="De beheerder weigerde; heronderhandeling bij verlenging",
    )
    assert MandateClause.objects.get().version_id is None


def test_evidence_that_is_not_a_document_is_refused_and_nothing_is_kept(
    world: World, mandate: Mandate
) -> None:
    texts = make_clause_texts(world.users["secretariat"])
    storage = actions.evidence_storage()
    before = set(storage.listdir("evidence")[1]) if storage.exists("evidence") else set()
    with pytest.raises(ActionError) as refused:
        actions.record_clause(
            by=world.users["fund_editor"],
            mandate=mandate,
            text=texts["text"],
            inclusion="verbatim",
            version=texts["v2"],
            evidence_name="contract.pdf",  # a picture by its content, whatever its name
            evidence_data=PNG,
        )
    assert refused.value.field == "evidence"
    assert "must be a document" in refused.value.messages[0]
    assert MandateClause.objects.count() == 0
    after = set(storage.listdir("evidence")[1]) if storage.exists("evidence") else set()
    assert after == before

    clause = actions.record_clause(
        by=world.users["fund_editor"],
        mandate=mandate,
        text=texts["text"],
        inclusion="verbatim",
        version=texts["v2"],
        evidence_name="contract.pdf",
        evidence_data=PDF,
        passage="p. 14, art. 9",
    )
    assert clause.evidence.name.endswith(".pdf")
    assert storage.open(clause.evidence.name).read() == PDF


def test_the_secretariat_and_the_funds_members_read_a_mandate_nobody_else(
    world: World, mandate: Mandate
) -> None:
    for who in ("fund_viewer", "fund_editor", "secretariat"):
        assert Mandate.objects.visible_to(world.users[who]).filter(pk=mandate.pk).exists()
    for who in ("other_fund", "union", "former", "monitoring"):
        assert not Mandate.objects.visible_to(world.users[who]).exists()
