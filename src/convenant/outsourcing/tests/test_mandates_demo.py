"""The demo's providers and mandates: loaded through the actions after the toolkit's
releases, with a duplicate merged, clauses of every kind (one at a superseded version) and a
renewal re-check due on the editor's dashboard; loading again changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from convenant.core.models import User
from convenant.governance import demo_bodies, demo_decisions
from convenant.outsourcing import demo_mandates
from convenant.outsourcing.actions import mandates as actions
from convenant.outsourcing.models import Mandate, MandateClause, Provider, RenewalTask
from convenant.parties.demo import demo_email, load_demo_covenant
from convenant.toolkit import demo_texts

pytestmark = pytest.mark.django_db


def test_the_demo_mandates_show_clauses_a_superseded_version_and_a_renewal_due() -> None:
    load_demo_covenant()
    demo_bodies.load()
    demo_decisions.load()
    demo_texts.load()

    first = demo_mandates.load()
    assert first["providers"] == 16 and first["mandates"] >= 15
    assert demo_mandates.load() == {}  # a second run changes nothing
    assert Mandate.objects.count() == first["mandates"]

    kinds = set(Provider.objects.values_list("kind", flat=True))
    assert len(kinds) == 6  # every kind of provider
    merged = Provider.objects.get(merged_into__isnull=False)
    assert not Mandate.objects.filter(provider=merged).exists()
    inclusions = set(MandateClause.objects.values_list("inclusion", flat=True))
    assert inclusions == {"verbatim", "adapted", "not_included"}
    assert all("(fictief)" in name for name in Provider.objects.values_list("name", flat=True))

    editor = User.objects.get(email=demo_email("fonds-redacteur"))
    funds = Mandate.objects.values_list("fund_id", flat=True).distinct()
    assert len(set(funds)) == 4
    outdated = actions.mandates_with_outdated(
        editor, list(Mandate.objects.values_list("pk", flat=True))
    )
    assert sum(outdated.values()) == 1
    assert RenewalTask.objects.filter(mandate__fund__code="PF001").exists()

    client = Client()
    client.force_login(editor)
    client.cookies["convenant_language"] = "en"
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Renewal re-checks due" in dashboard and "Noordzee Vermogensbeheer" in dashboard
    listing = client.get(reverse("outsourcing_mandates")).content.decode()
    assert "1 mandate holds a clause older than the version in force." in listing
