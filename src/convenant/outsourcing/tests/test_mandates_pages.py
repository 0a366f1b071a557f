"""The mandates' pages and API: the fund sees which mandates hold a clause older than the one
in force and the contract's wording against the model; a renewal re-check due shows on its
dashboard; bad input (an end before the start, an unknown provider, a superseded version
recorded as new, a file that is not a document) answers a clear message and changes
nothing."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.core.testing import World
from convenant.outsourcing.actions import mandates as actions
from convenant.outsourcing.models import Mandate, MandateClause, Provider, RenewalTask
from convenant.outsourcing.tests.test_mandates import PNG, make_clause_texts

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def setup(world: World) -> dict:
    texts = make_clause_texts(world.users["secretariat"])
    provider = actions.add_provider(
        by=world.users["fund_editor"], name="Delta Beheer", kind="asset_manager", country="NL"
    )
    mandate = actions.record_mandate(
        by=world.users["fund_editor"],
        fund=world.fund,
        provider=provider,
        asset_class="listed_equity",
        invested_eur=Decimal("2500000000"),
        start_date=datetime.date(2020, 1, 1),
        contract_reference="IMA-DELTA",
        # Renews in three months: the re-check, six months ahead, is due.
        renewal_date=TODAY + datetime.timedelta(days=90),
    )
    actions.record_clause(
        by=world.users["fund_editor"],
        mandate=mandate,
        text=texts["text"],
        inclusion="adapted",
        version=texts["v1"],
        adapted_text="De beheerder neemt de OESO-richtlijnen in acht bij aandelen.",
        contract_date=datetime.date(2020, 1, 1),
    )
    return {"texts": texts, "provider": provider, "mandate": mandate}


def client(world: World, who: str) -> Client:
    c = Client()
    c.force_login(world.users[who])
    return c


def english(world: World, who: str) -> Client:
    c = client(world, who)
    c.cookies["convenant_language"] = "en"
    return c


def test_the_fund_sees_the_superseded_clause_and_the_diff_against_the_model(
    world: World, setup: dict
) -> None:
    c = english(world, "fund_viewer")
    page = c.get(reverse("outsourcing_mandate_detail", args=[setup["mandate"].pk])).content.decode()
    assert "1 clause is held at a version older than the one in force." in page
    assert "alle beleggingen<span" in page and "aandelen<span" in page
    listing = c.get(reverse("outsourcing_mandates") + "?outdated=1").content.decode()
    assert "1 mandate holds a clause older than the version in force." in listing
    assert "Delta Beheer" in listing
    # Another fund knows nothing of it.
    other = english(world, "other_fund")
    assert (
        other.get(reverse("outsourcing_mandate_detail", args=[setup["mandate"].pk])).status_code
        == 404
    )
    assert "Delta Beheer" not in other.get(reverse("outsourcing_mandates")).content.decode()


def test_a_renewal_re_check_due_shows_on_the_dashboard_until_done(
    world: World, setup: dict
) -> None:
    c = english(world, "fund_editor")
    dashboard = c.get(reverse("dashboard")).content.decode()
    assert "Renewal re-checks due" in dashboard and "Delta Beheer" in dashboard
    task = RenewalTask.objects.get(mandate=setup["mandate"])
    c.post(reverse("outsourcing_renewal_task_done", args=[task.pk]), {"note": "Nagelopen"})
    task.refresh_from_db()
    assert task.done_on == TODAY
    assert "Renewal re-checks due" not in c.get(reverse("dashboard")).content.decode()
    # Not the other fund's dashboard.
    assert (
        "Delta Beheer"
        not in english(world, "other_fund").get(reverse("dashboard")).content.decode()
    )


def test_the_mandate_form_refuses_an_end_before_the_start(world: World, setup: dict) -> None:
    c = english(world, "fund_editor")
    response = c.post(
        reverse("outsourcing_mandate_add"),
        {
            "fund": world.fund.pk,
            "provider": setup["provider"].pk,
            "asset_class": "fixed_income",
            "invested_eur": "10",
            "start_date": "2024-05-01",
            "end_date": "2024-04-30",
        },
    )
    assert response.status_code == 200
    assert "cannot end" in response.content.decode()
    assert Mandate.objects.count() == 1


def test_the_clause_form_refuses_a_superseded_version_and_a_file_that_is_no_document(
    world: World, setup: dict
) -> None:
    c = english(world, "fund_editor")
    mandate = setup["mandate"]
    url = reverse("outsourcing_clause_record", args=[mandate.pk, "contract-oecd"])
    response = c.post(
        url,
        {
            "inclusion": "verbatim",
            "version": setup["texts"]["v1"].pk,
            "contract_date": "2024-01-01",
        },
    )
    assert "Version 1 was superseded by version 2" in response.content.decode()
    response = c.post(
        url,
        {
            "inclusion": "verbatim",
            "version": setup["texts"]["v2"].pk,
            "evidence": SimpleUploadedFile("contract.pdf", PNG),
        },
    )
    assert "must be a document" in response.content.decode()
    clause = MandateClause.objects.get(mandate=mandate)
    assert clause.version_id == setup["texts"]["v1"].pk and clause.inclusion == "adapted"


def test_a_duplicate_provider_on_the_form_offers_the_one_kept(world: World, setup: dict) -> None:
    response = english(world, "union").post(
        reverse("outsourcing_provider_add"),
        {"name": "DELTA BEHEER B.V.", "kind": "asset_manager", "country": "nl"},
    )
    page = response.content.decode()
    assert "already kept" in page
    assert reverse("outsourcing_provider_detail", args=[setup["provider"].pk]) in page
    assert Provider.objects.count() == 1


def test_the_api_answers_bad_input_clearly_and_changes_nothing(world: World, setup: dict) -> None:
    c = english(world, "fund_editor")
    post = lambda url, body: c.post(url, json.dumps(body), content_type="application/json")  # noqa: E731
    base = {"fund": world.fund.code, "asset_class": "listed_equity", "start_date": "2024-01-01"}
    ends_early = post(
        "/api/v1/outsourcing/mandates",
        base | {"provider": setup["provider"].pk, "end_date": "2023-01-01"},
    )
    assert ends_early.status_code == 400 and ends_early.json()["field"] == "end_date"
    unknown = post("/api/v1/outsourcing/mandates", base | {"provider": 424242})
    assert unknown.status_code == 400 and "424242" in unknown.json()["detail"]
    assert Mandate.objects.count() == 1

    mandate = setup["mandate"]
    old = c.put(
        f"/api/v1/outsourcing/mandates/{mandate.pk}/clauses/contract-oecd",
        json.dumps({"inclusion": "verbatim", "version": 1}),
        content_type="application/json",
    )
    assert old.status_code == 400 and "superseded" in old.json()["detail"]
    now = c.put(
        f"/api/v1/outsourcing/mandates/{mandate.pk}/clauses/contract-oecd",
        json.dumps({"inclusion": "verbatim", "version": 2, "contract_date": "2024-01-01"}),
        content_type="application/json",
    )
    assert now.status_code == 200
    clause = now.json()["clauses"][0]
    assert clause["version"] == 2 and clause["superseded"] is False
    assert now.json()["superseded_clauses"] == 0

    duplicate = post(
        "/api/v1/outsourcing/providers",
        {"name": "Delta beheer", "kind": "consultant", "country": "NL"},
    )
    assert duplicate.status_code == 409 and duplicate.json()["existing"] == setup["provider"].pk
