"""Views of toolkit: model texts and their versions in Dutch and English (draft, consultation with
the parties' comments, adopted by the steering group's decision on a release, superseded), the
word-level diff between versions (also as PDF), the public toolkit page and each text as DOCX
and PDF.

Versions, comments and releases are read through ``visible_to`` (adopted and superseded
versions and adopted releases are public; drafts, consultation and comments are the
covenant's); every write goes through ``toolkit.actions.texts``."""

from __future__ import annotations

import difflib
import io
import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from convenant.core import access, limits
from convenant.core.errors import ActionError, show_on_form
from convenant.parties.models import Party
from convenant.toolkit.actions import texts as actions
from convenant.toolkit.models import (
    PUBLISHED_STATUSES,
    Audience,
    Comment,
    ModelText,
    Release,
    TextKind,
    TextVersion,
    VersionStatus,
    covenant_reader,
)

LANGUAGE_CHOICES = [("nl", gettext_lazy("Dutch")), ("en", gettext_lazy("English"))]

# --- Forms -------------------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"


class WordingForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title (Dutch)"), max_length=limits.LINE)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=limits.LINE)
    body = forms.CharField(
        label=gettext_lazy("Text (Dutch)"),
        widget=forms.Textarea(attrs={"rows": 10}),
        **limits.text_field(limits.TEXT),
    )
    body_en = forms.CharField(
        label=gettext_lazy("Text (English)"),
        widget=forms.Textarea(attrs={"rows": 10}),
        **limits.text_field(limits.TEXT),
    )
    change_note = forms.CharField(
        label=gettext_lazy("What changed and why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        **limits.text_field(limits.MESSAGE),
    )


class TextForm(WordingForm):
    identifier = forms.SlugField(
        label=gettext_lazy("Identifier"),
        max_length=40,
        help_text=gettext_lazy("A stable key, e.g. contract-asset-manager."),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=TextKind.choices)
    audience = forms.ChoiceField(
        label=gettext_lazy("For"), choices=Audience.choices, required=False
    )
    theme = forms.SlugField(label=gettext_lazy("Theme"), max_length=40, required=False)

    field_order = ["identifier", "kind", "audience", "theme"]


class ConsultationForm(forms.Form):
    consultation_closes_on = forms.DateField(
        label=gettext_lazy("Consultation closes on"), widget=DateInput
    )


class CommentForm(forms.Form):
    party: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=gettext_lazy("For"), queryset=Party.objects.none()
    )
    language = forms.ChoiceField(label=gettext_lazy("About the text in"), choices=LANGUAGE_CHOICES)
    passage = forms.CharField(
        label=gettext_lazy("Passage quoted (optional)"),
        required=False,
        **limits.text_field(500),
    )
    text = forms.CharField(
        label=gettext_lazy("Comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        **limits.text_field(limits.MESSAGE),
    )

    def __init__(self, *args: Any, parties: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.filter(  # type: ignore[attr-defined]
            pk__in=[p.pk for p in parties]
        )
        if len(parties) == 1:
            self.fields["party"].initial = parties[0].pk


class ReleaseForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Label"), max_length=40)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        **limits.text_field(limits.MESSAGE),
    )


class ReleaseVersionForm(forms.Form):
    version: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=gettext_lazy("Version"), queryset=TextVersion.objects.none()
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = (  # type: ignore[attr-defined]
            TextVersion.objects.visible_to(user)
            .filter(status__in=actions.OPEN_STATUSES)
            .select_related("text")
        )


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class ProposeForm(forms.Form):
    closes_at = forms.DateTimeField(label=gettext_lazy("Closes at"), widget=DateTimeInput)


# --- Reading ------------------------------------------------------------------------------


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lang", "")
    if lang in ("nl", "en"):
        return lang
    return "en" if (request.LANGUAGE_CODE or "nl").startswith("en") else "nl"


def _text(identifier: str) -> ModelText:
    text = ModelText.objects.visible_to(None).filter(identifier=identifier).first()
    if text is None:
        raise Http404
    return text


def _versions(request: HttpRequest, text: ModelText) -> Any:
    return TextVersion.objects.visible_to(request.user).filter(text=text).order_by("number")


def _version(request: HttpRequest, identifier: str, number: int) -> TextVersion:
    text = _text(identifier)
    version = _versions(request, text).filter(number=number).select_related("text").first()
    if version is None:
        raise Http404
    return version


def _in_force(request: HttpRequest) -> dict[str, list[TextVersion]]:
    rows = (
        TextVersion.objects.visible_to(request.user)
        .in_force()
        .select_related("text")
        .order_by("text__kind", "text__order", "text__identifier")
    )
    grouped: dict[str, list[TextVersion]] = {}
    for version in rows:
        grouped.setdefault(version.text.get_kind_display(), []).append(version)
    return grouped


def _decisions_by_pk(request: HttpRequest, releases: list[Release]) -> dict[int, Any]:
    """The releases' decisions the reader may read (a confidential one stays unnamed)."""
    from convenant.governance.models import Decision

    ids = [r.decision_id for r in releases if r.decision_id]
    return {d.pk: d for d in Decision.objects.visible_to(request.user).filter(pk__in=ids)}


def toolkit_index(request: HttpRequest) -> HttpResponse:
    """The public toolkit: the texts in force by kind, the releases and their decisions; for
    the covenant's parties also the texts in preparation."""
    actor = access.actor_for(request.user)
    releases = list(Release.objects.visible_to(request.user).order_by("-adopted_on", "-label"))
    decisions = _decisions_by_pk(request, releases)
    for release in releases:
        release.shown_decision = decisions.get(release.decision_id or 0)  # type: ignore[attr-defined]
    preparing: list[TextVersion] = []
    if covenant_reader(actor):
        preparing = list(
            TextVersion.objects.visible_to(request.user)
            .filter(status__in=actions.OPEN_STATUSES)
            .select_related("text")
            .order_by("text__identifier")
        )
    return render(
        request,
        "toolkit/texts/index.html",
        {
            "in_force": _in_force(request),
            "releases": releases,
            "preparing": preparing,
            "can_write": actions.can_write(actor),
            "text_form": TextForm() if actions.can_write(actor) else None,
            "release_form": ReleaseForm() if actions.can_write(actor) else None,
        },
    )


def text_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    """A text's adopted version (in the language asked) and its history of versions."""
    text = _text(identifier)
    versions = list(_versions(request, text))
    adopted = next((v for v in versions if v.status == VersionStatus.ADOPTED), None)
    actor = access.actor_for(request.user)
    return render(
        request,
        "toolkit/texts/text_detail.html",
        {
            "text": text,
            "versions": versions,
            "adopted": adopted,
            "lang": _language(request),
            "can_write": actions.can_write(actor),
            "has_open": any(v.status in actions.OPEN_STATUSES for v in versions),
        },
    )


def version_detail(request: HttpRequest, identifier: str, number: int) -> HttpResponse:
    """One version in both languages; in consultation its comments (the covenant's) and the
    comment form; the secretariat's forms for what may still change."""
    version = _version(request, identifier, number)
    actor = access.actor_for(request.user)
    comments = list(
        Comment.objects.visible_to(request.user)
        .filter(version=version)
        .select_related("party", "author")
    )
    parties = actions.commenting_parties(actor) if actions.consultation_open(version) else []
    deciding = (
        actions.deciding_release(version) if version.status in actions.OPEN_STATUSES else None
    )
    return render(
        request,
        "toolkit/texts/version_detail.html",
        {
            "version": version,
            "text": version.text,
            "comments": comments,
            "comment_form": CommentForm(parties=parties) if parties else None,
            "can_write": actions.can_write(actor) and deciding is None,
            "deciding": deciding,
            "consultation_form": ConsultationForm(),
            "published": version.status in PUBLISHED_STATUSES,
            "releases": list(Release.objects.visible_to(request.user).filter(versions=version)),
        },
    )


# --- Writing ------------------------------------------------------------------------------


def _refused(request: HttpRequest, error: ActionError) -> None:
    messages.error(request, error.messages[0])


@login_required
def text_create(request: HttpRequest) -> HttpResponseBase:
    """The secretariat writes a new text with its first draft."""
    access.require(actions.can_write(access.actor_for(request.user)))
    form = TextForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = actions.create_text(
                by=request.user,
                identifier=data["identifier"],
                kind=data["kind"],
                audience=data.get("audience") or "",
                theme=data.get("theme") or "",
                title=data["title"],
                title_en=data["title_en"],
                body=data["body"],
                body_en=data["body_en"],
                change_note=data.get("change_note") or "",
            )
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The text and its first draft are saved."))
            return redirect(version_url(version))
    return render(request, "toolkit/texts/text_form.html", {"form": form})


def version_url(version: TextVersion) -> str:
    return reverse("toolkit_version", args=[version.text.identifier, version.number])


@login_required
def version_edit(request: HttpRequest, identifier: str, number: int) -> HttpResponseBase:
    version = _version(request, identifier, number)
    access.require(actions.can_write(access.actor_for(request.user)))
    initial = {f: getattr(version, f) for f in ("title", "title_en", "body", "body_en")}
    initial["change_note"] = version.change_note
    form = WordingForm(request.POST or None, initial=initial)
    if version.status in PUBLISHED_STATUSES:
        # Never a form for what never changes: the page says why.
        form = None  # type: ignore[assignment]
        if request.method == "POST":
            messages.error(request, _("An adopted version never changes."))
            return redirect(version_url(version))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_draft(
                by=request.user,
                version=version,
                title=data["title"],
                title_en=data["title_en"],
                body=data["body"],
                body_en=data["body_en"],
                change_note=data.get("change_note") or "",
            )
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect(version_url(version))
    return render(request, "toolkit/texts/version_form.html", {"form": form, "version": version})


@login_required
@require_POST
def version_new(request: HttpRequest, identifier: str) -> HttpResponseBase:
    text = _text(identifier)
    access.require(actions.can_write(access.actor_for(request.user)))
    try:
        version = actions.new_version(by=request.user, text=text)
    except ActionError as error:
        _refused(request, error)
        return redirect("toolkit_text", identifier)
    messages.success(request, _("A new draft is copied from the latest version."))
    return redirect(version_url(version))


@login_required
@require_POST
def version_consultation(request: HttpRequest, identifier: str, number: int) -> HttpResponseBase:
    version = _version(request, identifier, number)
    access.require(actions.can_write(access.actor_for(request.user)))
    form = ConsultationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the consultation closes."))
        return redirect(version_url(version))
    try:
        actions.open_consultation(
            by=request.user,
            version=version,
            closes_on=form.cleaned_data["consultation_closes_on"],
        )
    except ActionError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The version is open for the parties' comments."))
    return redirect(version_url(version))


@login_required
@require_POST
def version_back_to_draft(request: HttpRequest, identifier: str, number: int) -> HttpResponseBase:
    version = _version(request, identifier, number)
    access.require(actions.can_write(access.actor_for(request.user)))
    try:
        actions.back_to_draft(by=request.user, version=version)
    except ActionError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The version is a draft again."))
    return redirect(version_url(version))


@login_required
@require_POST
def version_comment(request: HttpRequest, identifier: str, number: int) -> HttpResponseBase:
    version = _version(request, identifier, number)
    parties = actions.commenting_parties(access.actor_for(request.user))
    access.require(bool(parties))
    form = CommentForm(request.POST, parties=parties)
    if not form.is_valid():
        messages.error(request, _("Write the comment and say for which party."))
        return redirect(version_url(version))
    data = form.cleaned_data
    try:
        actions.add_comment(
            by=request.user,
            version=version,
            party=data["party"],
            text=data["text"],
            language=data["language"],
            passage=data.get("passage") or "",
        )
    except ActionError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Your comment is added."))
    return redirect(version_url(version) + "#comments")


# --- Releases -----------------------------------------------------------------------------


def _release(request: HttpRequest, label: str) -> Release:
    return access.get_visible_or_404(Release, request.user, label=label)


def release_detail(request: HttpRequest, label: str) -> HttpResponse:
    release = _release(request, label)
    actor = access.actor_for(request.user)
    versions = list(
        release.versions.visible_to(request.user)
        .select_related("text")
        .order_by("text__kind", "text__identifier")
    )
    decision = _decisions_by_pk(request, [release]).get(release.decision_id or 0)
    proposal = None
    if release.proposal_id:
        from convenant.governance.models import Proposal

        proposal = Proposal.objects.visible_to(request.user).filter(pk=release.proposal_id).first()
    settled = release.status == Release.Status.ADOPTED or actions.release_is_deciding(release)
    writer = actions.can_write(actor) and not settled
    return render(
        request,
        "toolkit/texts/release_detail.html",
        {
            "release": release,
            "versions": versions,
            "decision": decision,
            "proposal": proposal,
            "can_write": writer,
            "version_form": ReleaseVersionForm(user=request.user) if writer else None,
            "propose_form": ProposeForm() if writer and versions else None,
        },
    )


@login_required
@require_POST
def release_create(request: HttpRequest) -> HttpResponseBase:
    access.require(actions.can_write(access.actor_for(request.user)))
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the release a label."))
        return redirect("toolkit_index")
    try:
        release = actions.create_release(
            by=request.user, label=form.cleaned_data["label"], note=form.cleaned_data["note"]
        )
    except ActionError as error:
        _refused(request, error)
        return redirect("toolkit_index")
    messages.success(request, _("The release is started; add its versions."))
    return redirect("toolkit_release", release.label)


@login_required
@require_POST
def release_add_version(request: HttpRequest, label: str) -> HttpResponseBase:
    release = _release(request, label)
    access.require(actions.can_write(access.actor_for(request.user)))
    form = ReleaseVersionForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose a draft or a version in consultation."))
        return redirect("toolkit_release", release.label)
    try:
        actions.add_to_release(
            by=request.user, release=release, version=form.cleaned_data["version"]
        )
    except ActionError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The version is in the release."))
    return redirect("toolkit_release", release.label)


@login_required
@require_POST
def release_propose(request: HttpRequest, label: str) -> HttpResponseBase:
    release = _release(request, label)
    access.require(actions.can_write(access.actor_for(request.user)))
    form = ProposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the moment the vote closes."))
        return redirect("toolkit_release", release.label)
    try:
        proposal = actions.propose_release(
            by=request.user, release=release, closes_at=form.cleaned_data["closes_at"]
        )
    except ActionError as error:
        _refused(request, error)
        return redirect("toolkit_release", release.label)
    messages.success(request, _("The release is put to the steering group."))
    return redirect("proposal_detail", proposal.number)


# --- The word diff -------------------------------------------------------------------------

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The two texts as runs of (op, text): op is "=", "-" (deleted) or "+" (inserted),
    compared word by word (whitespace and punctuation are tokens of their own)."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("=", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            runs.append(("-", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("+", "".join(b[j1:j2])))
    return runs


def diff_html(old: str, new: str) -> SafeString:
    """The diff marked with <del> and <ins>, each also saying so in words (readable without
    colour and by a screen reader)."""
    parts: list[str] = []
    for op, chunk in word_diff(old, new):
        if op == "=":
            parts.append(escape(chunk))
        elif op == "-":
            parts.append(
                f'<del><span class="visually-hidden">[{escape(_("deleted"))}: </span>'
                f'{escape(chunk)}<span class="visually-hidden">]</span></del>'
            )
        else:
            parts.append(
                f'<ins><span class="visually-hidden">[{escape(_("inserted"))}: </span>'
                f'{escape(chunk)}<span class="visually-hidden">]</span></ins>'
            )
    return mark_safe("".join(parts))  # noqa: S308 - every chunk is escaped above


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 6 else None


def _diff_context(request: HttpRequest, identifier: str) -> dict[str, Any]:
    text = _text(identifier)
    versions = list(_versions(request, text).select_related("recommendation"))
    if not versions:
        raise Http404
    by_number = {v.number: v for v in versions}
    to_n = _number(request.GET.get("to"))
    to = by_number.get(to_n) if to_n else versions[-1]
    from_n = _number(request.GET.get("from"))
    if to is None or (from_n and from_n not in by_number):
        raise Http404
    earlier = [v for v in versions if v.number < to.number]
    start = by_number[from_n] if from_n else (earlier[-1] if earlier else to)
    low, high = sorted([start, to], key=lambda v: v.number)
    between = [v for v in versions if low.number < v.number <= high.number]
    from convenant.governance.models import Proposal

    readable = set(
        Proposal.objects.visible_to(request.user)
        .filter(pk__in=[v.recommendation_id for v in between if v.recommendation_id])
        .values_list("pk", flat=True)
    )
    notes = [
        {
            "version": v,
            "note": v.change_note,
            "recommendation": v.recommendation if v.recommendation_id in readable else None,
        }
        for v in between
    ]
    lang = _language(request)
    return {
        "text": text,
        "versions": versions,
        "old": low,
        "new": high,
        "lang": lang,
        "title_diff": diff_html(low.title_in(lang), high.title_in(lang)),
        "body_diff": diff_html(low.body_in(lang), high.body_in(lang)),
        "notes": notes,
    }


def text_diff(request: HttpRequest, identifier: str) -> HttpResponse:
    """/toolkit/texts/<identifier>/diff/?from=1&to=3&lang=nl|en"""
    return render(request, "toolkit/texts/diff.html", _diff_context(request, identifier))


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"not fetched: {url}")


def _pdf(html: str, filename: str) -> HttpResponse:
    from weasyprint import HTML

    pdf = HTML(string=html, url_fetcher=_no_fetching).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def text_diff_pdf(request: HttpRequest, identifier: str) -> HttpResponse:
    context = _diff_context(request, identifier)
    context["printed_on"] = timezone.localdate()
    html = render_to_string("toolkit/texts/diff_print.html", context, request=request)
    name = f"{identifier}-v{context['old'].number}-v{context['new'].number}-{context['lang']}.pdf"
    return _pdf(html, name)


# --- Downloads: a published version as DOCX and PDF ----------------------------------------


def _published(request: HttpRequest, identifier: str, number: int) -> TextVersion:
    version = _version(request, identifier, number)
    if version.status not in PUBLISHED_STATUSES:
        raise Http404  # drafts are read on the page, never handed out as a document
    return version


def _footer_line(version: TextVersion, lang: str) -> str:
    from django.utils import translation

    with translation.override(lang):
        adopted = version.adopted_on.isoformat() if version.adopted_on else ""
        return _("%(identifier)s, version %(number)s, adopted on %(date)s") % {
            "identifier": version.text.identifier,
            "number": version.number,
            "date": adopted,
        }


def paragraphs(body: str) -> list[str]:
    """A text's paragraphs: separated by blank lines (single line breaks kept within)."""
    return [p.strip() for p in re.split(r"\n\s*\n", body.replace("\r\n", "\n")) if p.strip()]


def version_docx(request: HttpRequest, identifier: str, number: int) -> HttpResponse:
    """For pasting into a contract: the title, the text in paragraphs, and the identifier,
    version and adoption date in the footer."""
    from docx import Document

    version = _published(request, identifier, number)
    lang = _language(request)
    document = Document()
    document.core_properties.title = version.title_in(lang)
    document.core_properties.identifier = f"{identifier} v{version.number}"
    document.add_heading(version.title_in(lang), level=1)
    for paragraph in paragraphs(version.body_in(lang)):
        document.add_paragraph(paragraph)
    document.sections[0].footer.paragraphs[0].text = _footer_line(version, lang)
    out = io.BytesIO()
    document.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{identifier}-v{version.number}-{lang}.docx"'
    )
    return response


def version_pdf(request: HttpRequest, identifier: str, number: int) -> HttpResponse:
    version = _published(request, identifier, number)
    lang = _language(request)
    html = render_to_string(
        "toolkit/texts/version_print.html",
        {
            "version": version,
            "title": version.title_in(lang),
            "paragraphs": paragraphs(version.body_in(lang)),
            "footer": _footer_line(version, lang),
            "lang": lang,
        },
        request=request,
    )
    return _pdf(html, f"{identifier}-v{version.number}-{lang}.pdf")
