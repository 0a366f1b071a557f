"""The KPI framework: its library files, their loading, and its public pages and API."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from convenant.reporting.framework import (
    FILE_NAME,
    FRAMEWORKS_DIR,
    MAIN_INDICATORS,
    FrameworkChanged,
    load_all,
    load_framework,
    read_framework,
    tree,
    versions_shipped,
)
from convenant.reporting.models import Framework, Indicator, Question

pytestmark = pytest.mark.django_db


def shipped(version: str) -> Path:
    return FRAMEWORKS_DIR / version / FILE_NAME


# --- The files ------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["2019.1", "2022.1"])
def test_each_version_has_the_four_main_indicators_and_every_kind_of_question(
    version: str,
) -> None:
    parsed = read_framework(shipped(version))
    mains = [i for i in parsed.indicators if not i["parent"]]
    assert [m["code"] for m in mains if m["questionnaire"] == "fund"] == list(MAIN_INDICATORS)
    assert [m["code"] for m in mains if m["questionnaire"] == "effort"] == ["effort"]
    for main in mains:
        subs = [i for i in parsed.indicators if i["parent"] == main["code"]]
        assert 2 <= len(subs) <= 4, main["code"]
    kinds = {q["kind"] for q in parsed.questions}
    assert kinds == set(Question.Kind.values)
    roles = [q["role"] for q in parsed.questions if q["role"]]
    assert sorted(roles) == ["invested_assets", "invested_assets", "public_report_url"]
    assert any(q["depends_on"] for q in parsed.questions)
    assert all(q["text"] and q["text_en"] for q in parsed.questions)


def test_the_revision_names_the_question_each_continues() -> None:
    old = {q["code"] for q in read_framework(shipped("2019.1")).questions}
    new = read_framework(shipped("2022.1"))
    assert new.previous == "2019.1"
    continues = {q["code"]: q["previous_code"] for q in new.questions}
    assert continues["P2.3"] == "P2.2"  # renamed
    assert continues["M1.1"] == "M1.2"  # M1.1 and M1.2 merged
    assert continues["P2.2"] == "" and continues["R2.3"] == ""  # new
    assert {c for c in continues.values() if c} <= old


# --- Loading --------------------------------------------------------------------------------


def test_loading_every_version_builds_the_tree_once() -> None:
    # When every version is loaded
    assert load_all() == [("2019.1", True), ("2022.1", True)]
    # Then the revision points at the version it continues, and its tree is whole
    revision = Framework.objects.get(version="2022.1")
    assert revision.previous == Framework.objects.get(version="2019.1")
    mains = tree(revision, "fund")
    assert [m.indicator.code for m in mains] == list(MAIN_INDICATORS)
    assert all(s.indicator.parent_id == m.indicator.pk for m in mains for s in m.subs)
    policy = mains[0]
    assert [q.code for q in policy.questions][:3] == ["P1.1", "P1.2", "P1.3"]
    assert Indicator.objects.get(framework=revision, code="outsourcing").not_applicable == (
        "excluded"
    )
    # And loading again, by the function and by the command, changes nothing
    count = Question.objects.count()
    assert load_all() == [("2019.1", False), ("2022.1", False)]
    out = io.StringIO()
    call_command("load_kpi_framework", stdout=out)
    assert out.getvalue().count("already loaded, unchanged") == 2
    assert Question.objects.count() == count


def test_a_changed_file_under_a_loaded_version_is_refused(tmp_path: Path) -> None:
    # Given the shipped versions loaded, and the 2019.1 file with one question's threshold
    # changed
    load_all()
    text = shipped("2019.1").read_text(encoding="utf-8")
    changed = tmp_path / FILE_NAME
    changed.write_text(text.replace("{at_least: 90}", "{at_least: 50}"), encoding="utf-8")
    # When it is loaded under the same version
    with pytest.raises(FrameworkChanged, match="new version"):
        load_framework(changed)
    with pytest.raises(CommandError, match="new version"):
        call_command("load_kpi_framework", str(changed))
    # Then the loaded framework is unchanged
    scope = Question.objects.get(framework__version="2019.1", code="P3.2")
    assert scope.positive_when == {"at_least": 90}


def test_an_unsound_file_is_refused_with_its_reason(tmp_path: Path) -> None:
    text = shipped("2019.1").read_text(encoding="utf-8")
    broken = tmp_path / FILE_NAME
    broken.write_text(
        text.replace('version: "2019.1"', 'version: "2099.1"').replace(
            "depends_on: P1.1", "depends_on: X9.9", 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"X9\.9"):
        call_command("load_kpi_framework", str(broken))
    assert not Framework.objects.filter(version="2099.1").exists()
    with pytest.raises(CommandError, match=r"shipped: 2019\.1, 2022\.1"):
        call_command("load_kpi_framework", "1999.1")


def test_a_revision_cannot_come_before_the_version_it_continues() -> None:
    with pytest.raises(ValueError, match=r"continues 2019\.1, not loaded"):
        load_framework(shipped("2022.1"))
    assert versions_shipped() == ["2019.1", "2022.1"]


# --- Pages and API --------------------------------------------------------------------------


def test_anyone_reads_the_tree_with_its_rules_without_logging_in() -> None:
    load_all()
    client = Client()
    listing = client.get(reverse("kpi_framework_list"), HTTP_ACCEPT_LANGUAGE="en")
    assert listing.status_code == 200
    assert "2019.1" in listing.content.decode() and "2022.1" in listing.content.decode()
    page = client.get(reverse("kpi_framework_detail", args=["2022.1"])).content.decode()
    # The indicators, a question with its kind, dependency, rule and pre-fill source
    assert "Monitoring van uitbesteding" in page
    assert "Verwijst het beleid voor verantwoord beleggen" in page
    assert "gesteld als P1.1 “ja” is" in page  # P1.2 depends on P1.1
    assert "positief als ten minste 90 %" in page  # P3.2's threshold
    assert "vooraf ingevuld uit de zelfevaluatie beleid van het jaar" in page
    assert "zet P2.2 van 2019.1 voort" in page and "nieuw in 2022.1" in page
    assert "Niet van toepassing: telt niet mee" in page  # outsourcing's rule
    assert client.get(reverse("kpi_framework_detail", args=["3000.1"])).status_code == 404


def test_the_api_gives_the_same_tree() -> None:
    load_all()
    client = Client()
    versions = client.get("/api/v1/reporting/frameworks").json()
    assert [v["version"] for v in versions] == ["2019.1", "2022.1"]
    assert versions[1]["previous"] == "2019.1"
    body = client.get("/api/v1/reporting/frameworks/2022.1").json()
    assert [i["code"] for i in body["indicators"]] == [*MAIN_INDICATORS, "effort"]
    monitoring = body["indicators"][2]["subindicators"][0]
    merged = monitoring["questions"][0]
    assert merged["code"] == "M1.1" and merged["previous_code"] == "M1.2"
    assert merged["positive_when"] == {"at_least": 50}
    assert client.get("/api/v1/reporting/frameworks/0.1").status_code == 404
