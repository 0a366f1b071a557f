"""API of toolkit: model texts and their versions in Dutch and English (draft, consultation with
the parties' comments, adopted by the steering group's decision on a release, superseded), the
word-level diff between versions (also as PDF), the public toolkit page and each text as DOCX
and PDF. Writes go through the same actions as the pages.

Texts, adopted and superseded versions and adopted releases are public; drafts, versions in
consultation, comments and releases in preparation are the covenant's parties' and the
secretariat's. A refused change answers 400 with the field, or 409 when the version's state
does not allow it (an adopted version never changes)."""

import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from convenant.core import access, limits
from convenant.core.api import PUBLIC
from convenant.core.errors import ActionError
from convenant.parties.models import Party
from convenant.toolkit.actions import texts as actions
from convenant.toolkit.models import (
    Audience,
    Comment,
    ModelText,
    Release,
    TextKind,
    TextVersion,
)

router = Router(tags=["toolkit"])

Line = Annotated[str, Field(max_length=limits.LINE)]
Message = Annotated[str, Field(max_length=limits.MESSAGE)]
Text = Annotated[str, Field(max_length=limits.TEXT)]
Key = Annotated[str, Field(max_length=40)]
# What the actions accept, said in the schema (a schema-valid request is never refused 422).
Identifier = Annotated[str, Field(max_length=40, pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
Label = Annotated[str, Field(max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
Required = Annotated[str, Field(min_length=1, max_length=limits.LINE, pattern=r"\S")]
RequiredText = Annotated[str, Field(min_length=1, max_length=limits.TEXT, pattern=r"\S")]


class FieldError(Schema):
    detail: str
    field: str = ""


class Error(Schema):
    detail: str


class TextVersionOut(Schema):
    text: str  # the text's identifier
    number: int
    status: str
    title: str
    title_en: str
    body: str
    body_en: str
    change_note: str
    consultation_closes_on: datetime.date | None
    adopted_on: datetime.date | None
    superseded_on: datetime.date | None


class ModelTextOut(Schema):
    identifier: str
    kind: str
    audience: str
    theme: str
    in_force: int | None  # the adopted version's number
    versions: list[int]  # the versions the caller may read


class ModelTextIn(Schema):
    identifier: Identifier
    kind: TextKind
    audience: Audience = Audience.ANY
    theme: Annotated[str, Field(max_length=40, pattern=r"^([a-z0-9][a-z0-9-]{0,39})?$")] = ""
    title: Required
    title_en: Required
    body: RequiredText
    body_en: RequiredText
    change_note: Message = ""


class TextWordingIn(Schema):
    title: Required
    title_en: Required
    body: RequiredText
    body_en: RequiredText
    change_note: Message = ""


class TextNewVersionIn(Schema):
    change_note: Message = ""


class TextConsultationIn(Schema):
    closes_on: datetime.date


class TextCommentIn(Schema):
    party: Key = ""  # the party's code (may be left out by who comments for one party)
    text: Annotated[str, Field(min_length=1, max_length=limits.MESSAGE, pattern=r"\S")]
    language: Literal["nl", "en"] = "nl"
    passage: Annotated[str, Field(max_length=500)] = ""


class TextCommentOut(Schema):
    id: int
    party: str
    language: str
    passage: str
    text: str
    created_at: datetime.datetime


class ToolkitReleaseOut(Schema):
    label: str
    status: str
    adopted_on: datetime.date | None
    decision: int | None
    proposal: int | None
    versions: list[str]  # "identifier v3"
    note: str


class ToolkitReleaseIn(Schema):
    label: Label
    note: Message = ""


class ToolkitReleaseVersionIn(Schema):
    text: Identifier
    number: int = Field(ge=1, le=32767)


class ToolkitProposeIn(Schema):
    closes_at: datetime.datetime
    title: Line = ""
    text: Text = ""


def _refused(error: ActionError) -> Status:
    if error.code == "conflict":
        return Status(409, {"detail": error.messages[0]})
    return Status(400, {"detail": error.messages[0], "field": error.field or ""})


def _secretariat_only() -> Status:
    return Status(403, {"detail": "The secretariat writes the toolkit."})


def _version_out(v: TextVersion) -> dict[str, Any]:
    return {
        "text": v.text.identifier,
        "number": v.number,
        "status": v.status,
        "title": v.title,
        "title_en": v.title_en,
        "body": v.body,
        "body_en": v.body_en,
        "change_note": v.change_note,
        "consultation_closes_on": v.consultation_closes_on,
        "adopted_on": v.adopted_on,
        "superseded_on": v.superseded_on,
    }


def _text_out(request: HttpRequest, text: ModelText) -> dict[str, Any]:
    versions = list(
        TextVersion.objects.visible_to(request.user).filter(text=text).order_by("number")
    )
    return {
        "identifier": text.identifier,
        "kind": text.kind,
        "audience": text.audience,
        "theme": text.theme,
        "in_force": next((v.number for v in versions if v.status == "adopted"), None),
        "versions": [v.number for v in versions],
    }


def _text(identifier: str) -> ModelText:
    from django.http import Http404

    text = ModelText.objects.visible_to(None).filter(identifier=identifier).first()
    if text is None:
        raise Http404
    return text


def _version(request: HttpRequest, identifier: str, number: int) -> TextVersion:
    return access.get_visible_or_404(
        TextVersion.objects.select_related("text"),
        request.user,
        text__identifier=identifier,
        number=number,
    )


def _release_out(request: HttpRequest, r: Release) -> dict[str, Any]:
    return {
        "label": r.label,
        "status": r.status,
        "adopted_on": r.adopted_on,
        "decision": r.decision.number if r.decision_id and r.decision else None,
        "proposal": r.proposal.number if r.proposal_id and r.proposal else None,
        "versions": [
            f"{v.text.identifier} v{v.number}"
            for v in r.versions.visible_to(request.user)
            .select_related("text")
            .order_by("text__identifier")
        ],
        "note": r.note,
    }


def _release(request: HttpRequest, label: str) -> Release:
    return access.get_visible_or_404(
        Release.objects.select_related("decision", "proposal"), request.user, label=label
    )


# --- Texts and versions -------------------------------------------------------------------


@router.get(
    "/toolkit/texts", response=list[ModelTextOut], auth=PUBLIC, summary="List the model texts"
)
@paginate
def list_texts(request: HttpRequest, kind: Key = "") -> Any:
    """Every model text with the number of its version in force (public); a covenant party
    also sees the numbers of drafts and versions in consultation."""
    rows = ModelText.objects.visible_to(request.user)
    if kind:
        rows = rows.filter(kind=kind)
    return [_text_out(request, t) for t in rows]


@router.post(
    "/toolkit/texts",
    response={201: TextVersionOut, 400: FieldError, 403: Error, 409: Error},
    summary="Write a model text and its first draft",
)
def create_text(request: HttpRequest, body: ModelTextIn) -> Status:
    """As the secretariat: the text and its version 1, a draft."""
    if not actions.can_write(access.actor_for(request.user)):
        return _secretariat_only()
    try:
        version = actions.create_text(by=request.user, **body.dict())
    except ActionError as error:
        return _refused(error)
    return Status(201, _version_out(version))


@router.get(
    "/toolkit/texts/{identifier}", response=ModelTextOut, auth=PUBLIC, summary="A model text"
)
def get_text(request: HttpRequest, identifier: Key) -> Any:
    return _text_out(request, _text(identifier))


@router.get(
    "/toolkit/texts/{identifier}/versions/{number}",
    response=TextVersionOut,
    auth=PUBLIC,
    summary="A version of a model text, in both languages",
)
def get_version(request: HttpRequest, identifier: Key, number: int) -> Any:
    """Adopted and superseded versions for everyone; drafts and consultation for the
    covenant's parties and the secretariat (404 for anyone else)."""
    return _version_out(_version(request, identifier, number))


@router.post(
    "/toolkit/texts/{identifier}/versions",
    response={201: TextVersionOut, 400: FieldError, 403: Error, 409: Error},
    summary="Draft a new version from the latest",
)
def create_version(request: HttpRequest, identifier: Key, body: TextNewVersionIn) -> Status:
    text = _text(identifier)
    if not actions.can_write(access.actor_for(request.user)):
        return _secretariat_only()
    try:
        version = actions.new_version(by=request.user, text=text, change_note=body.change_note)
    except ActionError as error:
        return _refused(error)
    return Status(201, _version_out(version))


@router.put(
    "/toolkit/texts/{identifier}/versions/{number}",
    response={200: TextVersionOut, 400: FieldError, 403: Error, 409: Error},
    summary="Edit a draft",
)
def update_version(
    request: HttpRequest, identifier: Key, number: int, body: TextWordingIn
) -> Status:
    """As the secretariat, a draft only: an adopted or superseded version answers 409."""
    version = _version(request, identifier, number)
    if not actions.can_write(access.actor_for(request.user)):
        return _secretariat_only()
    try:
        version = actions.update_draft(by=request.user, version=version, **body.dict())
    except ActionError as error:
        return _refused(error)
    return Status(200, _version_out(version))


@router.post(
    "/toolkit/texts/{identifier}/versions/{number}/consultation",
    response={200: TextVersionOut, 400: FieldError, 403: Error, 409: Error},
    summary="Open a draft for the parties' comments",
)
def open_consultation(
    request: HttpRequest, identifier: Key, number: int, body: TextConsultationIn
) -> Status:
    version = _version(request, identifier, number)
    if not actions.can_write(access.actor_for(request.user)):
        return _secretariat_only()
    try:
        version = actions.open_consultation(
            by=request.user, version=version, closes_on=body.closes_on
        )
    except ActionError as error:
        return _refused(error)
    return Status(200, _version_out(version))


@router.post(
    "/toolkit/texts/{identifier}/versions/{number}/draft",
    response={200: TextVersionOut, 400: FieldError, 403: Error, 409: Error},
    summary="Take a version back from consultation to draft",
)
def back_to_draft(request: HttpRequest, identifier: Key, number: int) -> Status:
    version = _version(request, identifier, number)
    if not actions.can_write(access.actor_for(request.user)):
        return _secretariat_only()
    try:
        version = actions.back_to_draft(by=request.user, version=version)
    except ActionError as error:
        return _refused(error)
    return Status(200, _version_out(version))


@router.get(
    "/toolkit/texts/{identifier}/versions/{number}/comments",
    response=list[TextCommentOut],
    summary="The parties' comments on a version",
)
@paginate
def list_comments(request: HttpRequest, identifier: Key, number: int) -> Any:
    version = _version(request, identifier, number)
    rows = Comment.objects.visible_to(request.user).filter(version=version)
    return [
        {
            "id": c.pk,
            "party": c.party.code,
            "language": c.language,
            "passage": c.passage,
            "text": c.text,
            "created_at": c.created_at,
        }
        for c in rows.select_related("party")
    ]


@router.post(
    "/toolkit/texts/{identifier}/versions/{number}/comments",
    response={201: TextCommentOut, 400: FieldError, 403: Error, 409: Error},
    summary="Comment on a version in consultation",
)
def add_comment(request: HttpRequest, identifier: Key, number: int, body: TextCommentIn) -> Status:
    """As an editor of a party in the covenant, until the consultation closes."""
    version = _version(request, identifier, number)
    if not actions.commenting_parties(access.actor_for(request.user)):
        return Status(403, {"detail": "Commenting needs the editor role of a party."})
    party = Party.objects.filter(code=body.party).first() if body.party else None
    if body.party and party is None:
        return Status(400, {"detail": "No party with this code.", "field": "party"})
    try:
        comment = actions.add_comment(
            by=request.user,
            version=version,
            party=party,
            text=body.text,
            language=body.language,
            passage=body.passage,
        )
    except ActionError as error:
        return _refused(error)
    return Status(
        201,
        {
            "id": comment.pk,
            "party": comment.party.code,
            "language": comment.language,
            "passage": comment.passage,
            "text": comment.text,
            "created_at": comment.created_at,
        },
    )


# --- Releases -----------------------------------------------------------------------------


@router.get(
    "/toolkit/releases",
    response=list[ToolkitReleaseOut],
    auth=PUBLIC,
    summary="The toolkit's releases",
)
@paginate
def list_releases(request: HttpRequest) -> Any:
    """Adopted releases for everyone, with their decision; releases in preparation for the
    covenant's parties and the secretariat."""
    rows = Release.objects.visible_to(request.user).select_related("decision", "proposal")
    return [_release_out(request, r) for r in rows]


@router.post(
    "/toolkit/releases",
    response={201: ToolkitReleaseOut, 400: FieldError, 403: Error, 409: Error},
    summary="Start a toolkit release",
)
def create_release(request: HttpRequest, body: ToolkitReleaseIn) -> Status:
    if not actions.can_write(access.actor_for(request.user)):
        return _secretariat_only()
    try:
        release = actions.create_release(by=request.user, label=body.label, note=body.note)
    except ActionError as error:
        return _refused(error)
    return Status(201, _release_out(request, release))


@router.post(
    "/toolkit/releases/{label}/versions",
    response={200: ToolkitReleaseOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Add a version to a release",
)
def add_to_release(request: HttpRequest, label: Key, body: ToolkitReleaseVersionIn) -> Status:
    release = _release(request, label)
    if not actions.can_write(access.actor_for(request.user)):
        return _secretariat_only()
    version = _version(request, body.text, body.number)
    try:
        release = actions.add_to_release(by=request.user, release=release, version=version)
    except ActionError as error:
        return _refused(error)
    return Status(200, _release_out(request, _release(request, release.label)))


@router.post(
    "/toolkit/releases/{label}/propose",
    response={201: ToolkitReleaseOut, 400: FieldError, 403: Error, 409: Error},
    summary="Propose a release's adoption to the steering group",
)
def propose_release(request: HttpRequest, label: Key, body: ToolkitProposeIn) -> Status:
    """As the secretariat: an ``adopt_toolkit_version`` proposal; the versions are adopted
    only by the steering group's decision on it."""
    release = _release(request, label)
    if not actions.can_write(access.actor_for(request.user)):
        return _secretariat_only()
    closes_at = body.closes_at
    if timezone.is_naive(closes_at):  # a moment without its offset: the covenant's time
        closes_at = timezone.make_aware(closes_at)
    try:
        actions.propose_release(
            by=request.user,
            release=release,
            closes_at=closes_at,
            title=body.title,
            text=body.text,
        )
    except ActionError as error:
        return _refused(error)
    return Status(201, _release_out(request, _release(request, release.label)))
