"""Model texts through the actions: versions from draft through consultation to adoption by the
steering group's decision on a release (and by no other path), an adopted version that never
changes, the word-level diff in each language, the public toolkit and the downloads read
back (DOCX with python-docx, PDF with pypdf)."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.core.errors import ActionError
from convenant.core.models import AuditEvent
from convenant.core.testing import World, client_for
from convenant.governance.actions import decisions as governance
from convenant.governance.models import Decision
from convenant.governance.testing import Governance, governance_of
from convenant.toolkit.actions import texts as act
from convenant.toolkit.models import Comment, ModelText, Release, TextVersion
from convenant.toolkit.views.texts import word_diff

pytestmark = pytest.mark.django_db

V1 = "De beheerder volgt de OESO-richtlijnen.\n\nHij meldt ernstige gevolgen binnen dertig dagen."
V1_EN = "The manager follows the OECD Guidelines.\n\nIt reports severe impacts within thirty days."
V2 = (
    "De beheerder volgt de OESO-richtlijnen en de UNGP's.\n\n"
    "Hij meldt ernstige gevolgen binnen veertien dagen."
)
V2_EN = (
    "The manager follows the OECD Guidelines and the UNGPs.\n\n"
    "It reports severe impacts within fourteen days."
)


@pytest.fixture
def gov(world: World) -> Governance:
    return governance_of(world)


def _text(world: World, identifier: str = "contract-beheerder") -> TextVersion:
    return act.create_text(
        by=world.users["secretariat"],
        identifier=identifier,
        kind="contract_clause",
        audience="asset_manager",
        title="Clausule voor beheerders",
        title_en="Clause for managers",
        body=V1,
        body_en=V1_EN,
    )


def _adopt(world: World, gov: Governance, label: str, *versions: TextVersion) -> Decision:
    """The secretariat gathers the versions and proposes; the four seats consent."""
    sec = world.users["secretariat"]
    release = act.create_release(by=sec, label=label)
    for version in versions:
        act.add_to_release(by=sec, release=release, version=version)
    proposal = act.propose_release(
        by=sec, release=release, closes_at=timezone.now() + datetime.timedelta(days=7)
    )
    for code, seat in gov.seats.items():
        governance.cast_vote(by=gov.holders[code], proposal=proposal, seat=seat, choice="consent")
    governance.close_proposal(by=sec, proposal=proposal)
    return Decision.objects.get(proposal=proposal)


def _fresh(version: TextVersion) -> TextVersion:
    return TextVersion.objects.unrestricted("test").get(pk=version.pk)


def test_a_text_moves_from_draft_through_consultation_with_the_parties_comments(
    world: World,
) -> None:
    sec = world.users["secretariat"]
    v1 = _text(world)
    assert (v1.number, v1.status) == (1, "draft")
    v1 = act.update_draft(
        by=sec, version=v1, title="Clausule", title_en="Clause", body=V1, body_en=V1_EN
    )
    with pytest.raises(ActionError, match="already has a draft"):
        act.new_version(by=sec, text=v1.text)
    act.open_consultation(by=sec, version=v1, closes_on=timezone.localdate())
    # A party's editor comments, quoting a passage of the English text.
    act.add_comment(
        by=world.users["fund_editor"],
        version=v1,
        party=world.fund,
        text="Dertig dagen is lang.",
        language="en",
        passage="within thirty days",
    )
    with pytest.raises(ActionError, match="passage is not in the text"):
        act.add_comment(
            by=world.users["union"],
            version=v1,
            party=world.union,
            text="x",
            passage="niet in de tekst",
        )
    with pytest.raises(PermissionDenied):  # a viewer, and a party that left, do not comment
        act.add_comment(by=world.users["fund_viewer"], version=v1, party=world.fund, text="x")
    with pytest.raises(PermissionDenied):
        act.add_comment(by=world.users["former"], version=v1, party=world.former_party, text="x")
    # Only a draft is edited; back to draft, then it is.
    with pytest.raises(ActionError, match="Only a draft"):
        act.update_draft(by=sec, version=v1, title="x", title_en="x", body="x", body_en="x")
    act.back_to_draft(by=sec, version=v1)
    assert Comment.objects.unrestricted("test").filter(version=v1).count() == 1
    # Closed consultation: no more comments.
    act.open_consultation(by=sec, version=v1, closes_on=timezone.localdate())
    TextVersion.objects.unrestricted("test").filter(pk=v1.pk).update(
        consultation_closes_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(ActionError, match="not open for comments"):
        act.add_comment(by=world.users["union"], version=v1, party=world.union, text="Laat")
    with pytest.raises(PermissionDenied):  # the secretariat writes; others do not
        act.create_release(by=world.users["fund_admin"], label="2030")


def test_adoption_only_by_the_steering_groups_decision_supersedes_the_previous_version(
    world: World, gov: Governance
) -> None:
    sec = world.users["secretariat"]
    v1 = _text(world)
    decision = _adopt(world, gov, "2019", v1)
    v1 = _fresh(v1)
    assert decision.effect_state == Decision.EffectState.APPLIED
    assert (v1.status, v1.adopted_on) == ("adopted", decision.decided_on)
    release = Release.objects.unrestricted("test").get(label="2019")
    assert (release.status, release.decision_id) == ("adopted", decision.pk)
    assert decision.effect_object == f"toolkit.release:{release.pk}"

    v2 = act.new_version(by=sec, text=v1.text)
    assert (v2.number, v2.body) == (2, V1)  # copied from the latest
    act.update_draft(
        by=sec, version=v2, title=v2.title, title_en=v2.title_en, body=V2, body_en=V2_EN
    )
    act.open_consultation(by=sec, version=v2, closes_on=timezone.localdate())
    # Proposed: the seats vote on what they read, so the version no longer changes.
    release = act.create_release(by=sec, label="2021")
    act.add_to_release(by=sec, release=release, version=v2)
    proposal = act.propose_release(
        by=sec, release=release, closes_at=timezone.now() + datetime.timedelta(days=7)
    )
    with pytest.raises(ActionError, match="deciding"):
        act.back_to_draft(by=sec, version=v2)
    assert _fresh(v2).status == "consultation"  # nothing adopts before the decision
    for code, seat in gov.seats.items():
        governance.cast_vote(by=gov.holders[code], proposal=proposal, seat=seat, choice="consent")
    governance.close_proposal(by=sec, proposal=proposal)
    v1, v2 = _fresh(v1), _fresh(v2)
    assert (v1.status, v2.status) == ("superseded", "adopted")
    assert v1.superseded_on == v2.adopted_on == timezone.localdate()
    # The decision links to the release's page.
    decision = Decision.objects.get(proposal=proposal)
    page = Client().get(reverse("decision_detail", args=[decision.number])).content.decode()
    assert reverse("toolkit_release", args=["2021"]) in page


def test_an_adopted_or_superseded_version_never_changes(world: World, gov: Governance) -> None:
    sec = world.users["secretariat"]
    v1 = _text(world)
    _adopt(world, gov, "2019", v1)
    v1 = _fresh(v1)
    before = (v1.title, v1.body, v1.status, v1.updated_at)
    for attempt in (
        lambda: act.update_draft(
            by=sec, version=v1, title="Nieuw", title_en="New", body="x", body_en="x"
        ),
        lambda: act.open_consultation(by=sec, version=v1, closes_on=timezone.localdate()),
        lambda: act.back_to_draft(by=sec, version=v1),
    ):
        with pytest.raises(ActionError, match="never changes"):
            attempt()
    release = act.create_release(by=sec, label="2021")
    with pytest.raises(ActionError, match="Only a draft or a version in consultation"):
        act.add_to_release(by=sec, release=release, version=v1)
    # Through the API too: 409, nothing changed.
    api = client_for("secretariat", world)
    url = f"/api/v1/toolkit/texts/{v1.text.identifier}/versions/1"
    answer = api.put(
        url,
        data={"title": "Nieuw", "title_en": "New", "body": "x", "body_en": "x"},
        content_type="application/json",
    )
    assert answer.status_code == 409, answer.content
    assert "verandert nooit meer" in answer.json()["detail"]  # the site speaks Dutch
    answer = api.post(url + "/draft")
    assert answer.status_code == 409
    v1 = _fresh(v1)
    assert (v1.title, v1.body, v1.status, v1.updated_at) == before
    # An adopted release does not change either, nor is it adopted twice.
    adopted = Release.objects.unrestricted("test").get(label="2019")
    with pytest.raises(ActionError, match="adopted"):
        act.add_to_release(by=sec, release=adopted, version=act.new_version(by=sec, text=v1.text))
    with pytest.raises(ActionError, match="adopted already"):
        act.check_adoption({"release": "2019"})


def test_no_path_but_the_decisions_effect_adopts_a_version() -> None:
    """Every place in the toolkit's code that writes a version's adopted status lies in the
    effect ``apply_adoption``."""
    actions_file = Path(act.__file__).resolve()
    source = actions_file.read_text(encoding="utf-8")
    start = source.index("def apply_adoption")
    end = source.find("\ndef ", start + 1)
    effect = range(
        source[:start].count("\n") + 1, source[: end if end > 0 else None].count("\n") + 2
    )
    # An assignment, or a create/update call (a filter only reads).
    writes = re.compile(
        r"(\.status\s*=\s*|\b(update|create|update_or_create|get_or_create)\([^)]*\bstatus="
        r")(VersionStatus\.ADOPTED|[\"']adopted[\"'])"
    )
    found = []
    for path in actions_file.parents[1].rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        found += [(path, text[: m.start()].count("\n") + 1) for m in writes.finditer(text)]
    assert found, "the effect's write is found"
    assert all(path == actions_file and line in effect for path, line in found), found


def test_bad_input_is_refused_with_a_clear_message_and_nothing_changes(
    world: World, gov: Governance
) -> None:
    sec = world.users["secretariat"]
    _text(world)
    texts = ModelText.objects.count()
    for kwargs, field in [
        ({"identifier": "Met Spaties"}, "identifier"),
        ({"identifier": "contract-beheerder"}, "identifier"),  # taken
        ({"kind": "gedicht"}, "kind"),
        ({"title": "  "}, "title"),
        ({"body_en": ""}, "body_en"),
    ]:
        base = {
            "identifier": "nieuw",
            "kind": "policy_clause",
            "title": "T",
            "title_en": "T",
            "body": "B",
            "body_en": "B",
        }
        with pytest.raises(ActionError) as refused:
            act.create_text(by=sec, **(base | kwargs))
        assert refused.value.field == field
    assert ModelText.objects.count() == texts
    with pytest.raises(ActionError, match="short label"):
        act.create_release(by=sec, label="Toolkit 2022")
    with pytest.raises(ActionError, match="No toolkit release"):
        act.check_adoption({"release": "1999"})
    with pytest.raises(ActionError, match="Name the release"):
        act.check_adoption({"version": "1.0"})
    empty = act.create_release(by=sec, label="leeg")
    with pytest.raises(ActionError, match="holds no versions"):
        act.propose_release(
            by=sec, release=empty, closes_at=timezone.now() + datetime.timedelta(days=7)
        )
    assert _fresh_release(empty).status == "preparing"


def _fresh_release(release: Release) -> Release:
    return Release.objects.unrestricted("test").get(pk=release.pk)


def test_the_word_diff_marks_insertions_and_deletions_in_each_language(
    world: World, gov: Governance
) -> None:
    sec = world.users["secretariat"]
    runs = word_diff(V1, V2)
    assert ("-", "dertig") in runs and ("+", "veertien") in runs
    assert ("+", " en de UNGP's") in runs
    assert "".join(t for op, t in runs if op != "+") == V1
    assert "".join(t for op, t in runs if op != "-") == V2

    v1 = _text(world)
    _adopt(world, gov, "2019", v1)
    v2 = act.new_version(by=sec, text=v1.text, change_note="Kortere termijn na de monitoring")
    act.update_draft(
        by=sec,
        version=v2,
        title=v2.title,
        title_en=v2.title_en,
        body=V2,
        body_en=V2_EN,
        change_note="Kortere termijn na de monitoring",
    )
    url = reverse("toolkit_diff", args=["contract-beheerder"])
    member = client_for("fund_viewer", world)
    page = member.get(url, {"from": 1, "to": 2, "lang": "en"}).content.decode()
    assert re.search(r"<del>.*thirty.*</del>", page) and re.search(r"<ins>.*fourteen.*</ins>", page)
    assert "Kortere termijn na de monitoring" in page
    page = member.get(url, {"from": 1, "to": 2, "lang": "nl"}).content.decode()
    assert re.search(r"<ins>.*veertien.*</ins>", page)
    # The draft is the covenant's: the public compares nothing with it.
    assert Client().get(url, {"from": 1, "to": 2}).status_code == 404
    # As PDF: the words of both versions, marked in words too.
    from pypdf import PdfReader

    pdf = member.get(reverse("toolkit_diff_pdf", args=["contract-beheerder"]), {"to": 2})
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "dertig" in text and "veertien" in text and "Kortere termijn" in text


def test_the_public_toolkit_and_the_downloads_read_back(world: World, gov: Governance) -> None:
    sec = world.users["secretariat"]
    v1 = _text(world)
    decision = _adopt(world, gov, "2019", v1)
    draft = act.new_version(by=sec, text=v1.text)
    act.update_draft(
        by=sec,
        version=draft,
        title="Concepttitel Roerdomp",
        title_en="Draft",
        body="Conceptwoorden Roerdomp",
        body_en="Draft words",
    )
    anonymous = Client()
    index = anonymous.get(reverse("toolkit_index")).content.decode()
    assert "Clausule voor beheerders" in index and "Roerdomp" not in index
    assert reverse("decision_detail", args=[decision.number]) in index
    detail = anonymous.get(reverse("toolkit_text", args=["contract-beheerder"])).content.decode()
    assert "dertig dagen" in detail and "Roerdomp" not in detail
    assert (
        anonymous.get(reverse("toolkit_version", args=["contract-beheerder", 2])).status_code == 404
    )
    member = client_for("union", world).get(
        reverse("toolkit_version", args=["contract-beheerder", 2])
    )
    assert "Conceptwoorden Roerdomp" in member.content.decode()

    from docx import Document

    answer = anonymous.get(
        reverse("toolkit_version_docx", args=["contract-beheerder", 1]), {"lang": "en"}
    )
    document = Document(io.BytesIO(answer.content))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Clause for managers"
    assert paragraphs[1:] == V1_EN.split("\n\n")
    footer = document.sections[0].footer.paragraphs[0].text
    assert "contract-beheerder" in footer and "1" in footer
    assert decision.decided_on.isoformat() in footer

    from pypdf import PdfReader

    answer = anonymous.get(reverse("toolkit_version_pdf", args=["contract-beheerder", 1]))
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.content)).pages)
    flat = " ".join(pdf_text.split())
    assert "Clausule voor beheerders" in flat
    assert " ".join(V1.split()) in flat
    # A draft is never handed out as a document, not even to a member.
    assert (
        client_for("union", world)
        .get(reverse("toolkit_version_docx", args=["contract-beheerder", 2]))
        .status_code
        == 404
    )


def test_comments_are_the_covenants_and_their_event_keeps_no_words(world: World) -> None:
    sec = world.users["secretariat"]
    v1 = _text(world)
    act.open_consultation(by=sec, version=v1, closes_on=timezone.localdate())
    act.add_comment(by=world.users["union"], version=v1, party=world.union, text="Opmerking Kluut")
    url = reverse("toolkit_version", args=["contract-beheerder", 1])
    assert "Opmerking Kluut" in client_for("fund_viewer", world).get(url).content.decode()
    assert client_for("former", world).get(url).status_code == 404
    assert Client().get(url).status_code == 404
    event: Any = AuditEvent.objects.unrestricted("test").get(verb="toolkit.add_comment")
    assert "Kluut" not in str(event.after)
