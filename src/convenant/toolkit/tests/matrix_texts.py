"""Permission-matrix rows of toolkit: model texts and their versions in Dutch and English (draft,
consultation with the parties' comments, adopted by the steering group's decision on a release,
superseded), the word-level diff between versions (also as PDF), the public toolkit page and
each text as DOCX and PDF.

The world: a text with an adopted version 1 (release 2019) and a version 2 in consultation
holding a party's comment; a text with only a draft; a text with only an adopted version; a
release in preparation. Adopted wording is public; drafts, consultation and comments are the
covenant's (not anonymous, not the party that left); the secretariat writes; the editors of
parties with a constituency comment."""

from __future__ import annotations

import datetime
from typing import Any

from convenant.core.testing import (
    CREATED,
    FORBIDDEN,
    HIDDEN,
    OK,
    REDIRECT,
    Row,
    World,
    everyone,
    members,
    party_of,
)

ADOPTED_WORDS = "Vastgestelde clausule Scholekster"
CONSULTATION_WORDS = "Consultatiewoord Kievit"
DRAFT_WORDS = "Conceptwoord Grutto"
COMMENT_WORDS = "Opmerking Tureluur"
PREP = "matrix-prep"
NOT_PUBLIC = ("anonymous", "former")

COVENANT = members(OK, anonymous=HIDDEN, former=HIDDEN)
# The secretariat writes; a draft's page is hidden from who may not read drafts.
ON_DRAFT = members(FORBIDDEN, former=HIDDEN, secretariat=REDIRECT)
ON_PUBLIC = members(FORBIDDEN, secretariat=REDIRECT)
API_ON_DRAFT = members(FORBIDDEN, former=HIDDEN, secretariat=OK)
COMMENTERS = ("fund_editor", "fund_admin", "other_fund", "union")


def extend_world(world: World) -> None:
    from django.utils import timezone

    from convenant.governance.testing import governance_of
    from convenant.toolkit.models import Comment, ModelText, Release, TextVersion

    governance_of(world)  # the steering group a release is put to
    sec = world.users["secretariat"]
    today = timezone.localdate()
    adopted_on = datetime.date(2019, 11, 12)

    def version(text: Any, number: int, status: str, words: str, **kw: Any) -> Any:
        return TextVersion.objects.create(
            text=text,
            number=number,
            status=status,
            title=f"Titel {words}",
            title_en=f"Title {words}",
            body=f"{words}, in het Nederlands.",
            body_en=f"{words}, in English.",
            created_by=sec,
            **kw,
        )

    text = ModelText.objects.create(identifier="matrix-tekst", kind="contract_clause")
    v1 = version(text, 1, "adopted", ADOPTED_WORDS, adopted_on=adopted_on)
    v2 = version(
        text,
        2,
        "consultation",
        CONSULTATION_WORDS,
        consultation_closes_on=today + datetime.timedelta(days=30),
    )
    Comment.objects.create(
        version=v2, party=world.union, author=world.users["union"], text=COMMENT_WORDS
    )
    concept = ModelText.objects.create(identifier="matrix-concept", kind="policy_clause")
    draft = version(concept, 1, "draft", DRAFT_WORDS)
    fixed = ModelText.objects.create(identifier="matrix-vast", kind="theme_document")
    version(fixed, 1, "adopted", "Vast thema", adopted_on=adopted_on)
    release = Release.objects.create(label="2019", status="adopted", adopted_on=adopted_on)
    release.versions.add(v1)
    prep = Release.objects.create(label=PREP)
    prep.versions.add(v2)
    world.extra["toolkit_draft"] = draft


def _closes_at(w: World) -> str:
    from django.utils import timezone

    return (timezone.now() + datetime.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")


def _text_form(w: World) -> dict[str, Any]:
    return {
        "identifier": "matrix-nieuw",
        "kind": "policy_clause",
        "audience": "",
        "title": "Nieuwe clausule",
        "title_en": "New clause",
        "body": "Tekst",
        "body_en": "Text",
        "change_note": "",
    }


def _wording(w: World) -> dict[str, Any]:
    return {"title": "Titel", "title_en": "Title", "body": "Tekst", "body_en": "Text"}


def _comment(w: World, actor: str) -> dict[str, Any]:
    return {"party": party_of(w, actor).pk, "language": "nl", "text": "Een opmerking"}


def _api_comment(w: World, actor: str) -> dict[str, Any]:
    return {"party": party_of(w, actor).code, "language": "nl", "text": "Een opmerking"}


def _in_a_week() -> str:
    from django.utils import timezone

    return (timezone.localdate() + datetime.timedelta(days=7)).isoformat()


A1 = lambda w: ["matrix-tekst", 1]  # noqa: E731
A2 = lambda w: ["matrix-tekst", 2]  # noqa: E731
B1 = lambda w: ["matrix-concept", 1]  # noqa: E731
NO_DRAFT = lambda w: [DRAFT_WORDS, CONSULTATION_WORDS, COMMENT_WORDS]  # noqa: E731
COMMENT_OUTCOMES = members(FORBIDDEN, former=HIDDEN, **dict.fromkeys(COMMENTERS, REDIRECT))
API_COMMENT_OUTCOMES = members(FORBIDDEN, former=HIDDEN, **dict.fromkeys(COMMENTERS, CREATED))

ROWS: list[Row] = [
    # The public toolkit: adopted wording for everyone, nothing in preparation for outsiders.
    Row(
        "toolkit_index",
        everyone(OK),
        present=lambda w: [ADOPTED_WORDS, "2019"],
        absent=NO_DRAFT,
        absent_for=NOT_PUBLIC,
    ),
    Row(
        "toolkit_text",
        everyone(OK),
        args=lambda w: ["matrix-tekst"],
        present=lambda w: [ADOPTED_WORDS],
        absent=NO_DRAFT,
        absent_for=NOT_PUBLIC,
    ),
    Row("toolkit_text", everyone(HIDDEN), args=lambda w: ["geen-tekst"], missing=True),
    Row("toolkit_version", everyone(OK), args=A1, present=lambda w: [ADOPTED_WORDS]),
    Row(
        "toolkit_version",
        COVENANT,
        args=A2,
        present=lambda w: [CONSULTATION_WORDS, COMMENT_WORDS],
    ),
    Row("toolkit_version", everyone(HIDDEN), args=lambda w: ["matrix-tekst", 99], missing=True),
    Row(
        "toolkit_diff",
        everyone(OK),
        args=lambda w: ["matrix-tekst"],
        present=lambda w: ["Scholekster"],  # a member reads it deleted, word by word
        absent=NO_DRAFT,
        absent_for=NOT_PUBLIC,
    ),
    Row("toolkit_diff_pdf", everyone(OK), args=lambda w: ["matrix-tekst"]),
    Row("toolkit_version_docx", everyone(OK), args=A1),
    Row("toolkit_version_pdf", everyone(OK), args=A1),
    Row("toolkit_release", everyone(OK), args=lambda w: ["2019"], present=lambda w: ["2019"]),
    Row("toolkit_release", COVENANT, args=lambda w: [PREP], present=lambda w: [PREP]),
    # The secretariat writes.
    Row("toolkit_text_create", members(FORBIDDEN, secretariat=OK)),
    Row(
        "toolkit_text_create",
        members(FORBIDDEN, secretariat=REDIRECT),
        method="post",
        data=_text_form,
    ),
    Row("toolkit_version_edit", members(FORBIDDEN, former=HIDDEN, secretariat=OK), args=B1),
    Row("toolkit_version_edit", ON_DRAFT, args=B1, method="post", data=_wording),
    Row("toolkit_version_new", ON_PUBLIC, args=lambda w: ["matrix-vast"], method="post"),
    Row(
        "toolkit_version_consultation",
        ON_DRAFT,
        args=B1,
        method="post",
        data=lambda w: {"consultation_closes_on": _in_a_week()},
    ),
    Row("toolkit_version_draft", ON_DRAFT, args=A2, method="post"),
    Row(
        "toolkit_version_comment",
        COMMENT_OUTCOMES,
        args=A2,
        method="post",
        data_for=_comment,
    ),
    Row(
        "toolkit_release_create",
        ON_PUBLIC,
        method="post",
        data=lambda w: {"label": "2031", "note": ""},
    ),
    Row(
        "toolkit_release_add",
        ON_DRAFT,
        args=lambda w: [PREP],
        method="post",
        data=lambda w: {"version": w.extra["toolkit_draft"].pk},
    ),
    Row(
        "toolkit_release_propose",
        ON_DRAFT,
        args=lambda w: [PREP],
        method="post",
        data=lambda w: {"closes_at": _closes_at(w)},
    ),
    # The API: the same reads and actions.
    Row("api:list_texts", everyone(OK), present=lambda w: ["matrix-tekst"]),
    Row("api:get_text", everyone(OK), args=lambda w: ["matrix-tekst"]),
    Row("api:get_version", everyone(OK), args=A1, present=lambda w: [ADOPTED_WORDS]),
    Row("api:get_version", COVENANT, args=A2, present=lambda w: [CONSULTATION_WORDS]),
    Row(
        "api:list_comments",
        members(OK, former=HIDDEN),
        args=A2,
        present=lambda w: [COMMENT_WORDS],
    ),
    Row(
        "api:list_releases",
        everyone(OK),
        present=lambda w: ["2019"],
        absent=lambda w: [PREP],
        absent_for=NOT_PUBLIC,
    ),
    Row(
        "api:create_text",
        members(FORBIDDEN, secretariat=CREATED),
        method="post",
        as_json=True,
        data=_text_form,
    ),
    Row(
        "api:create_version",
        members(FORBIDDEN, secretariat=CREATED),
        args=lambda w: ["matrix-vast"],
        method="post",
        as_json=True,
        data=lambda w: {"change_note": "Nieuwe ronde"},
    ),
    Row("api:update_version", API_ON_DRAFT, args=B1, method="put", as_json=True, data=_wording),
    Row(
        "api:open_consultation",
        API_ON_DRAFT,
        args=B1,
        method="post",
        as_json=True,
        data=lambda w: {"closes_on": _in_a_week()},
    ),
    Row("api:back_to_draft", API_ON_DRAFT, args=A2, method="post"),
    Row(
        "api:add_comment",
        API_COMMENT_OUTCOMES,
        args=A2,
        method="post",
        as_json=True,
        data_for=_api_comment,
    ),
    Row(
        "api:create_release",
        members(FORBIDDEN, secretariat=CREATED),
        method="post",
        as_json=True,
        data=lambda w: {"label": "2031"},
    ),
    Row(
        "api:add_to_release",
        API_ON_DRAFT,
        args=lambda w: [PREP],
        method="post",
        as_json=True,
        data=lambda w: {"text": "matrix-concept", "number": 1},
    ),
    Row(
        "api:propose_release",
        members(FORBIDDEN, former=HIDDEN, secretariat=CREATED),
        args=lambda w: [PREP],
        method="post",
        as_json=True,
        data=lambda w: {"closes_at": (_closes_at(w) + ":00")},
    ),
]
