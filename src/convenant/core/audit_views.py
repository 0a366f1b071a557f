"""The audit log: searched and exported within its policy (DESIGN §5, ``AuditEvent.visible_to``).

The secretariat reads the whole log; a party's administrators the events about their party.
Every filter narrows that set and never widens it: a person to filter on is one the reader
may see, a party (secretariat) one of the covenant's. The content of an event about a party's
confidential data (its object and values) stays withheld from anyone but that party's
administrators, on the page, in the export, and in the search: a text search in the objects'
names and a filter on the kind of object never match a withheld event, or the number found
would tell what the reader may not read."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from convenant.core import access
from convenant.core.access import Actor, Role
from convenant.core.actions_privacy import record_audit_export
from convenant.core.audit import changes, confidential_verbs, content_withheld, verb_label
from convenant.core.exports import inert_cell
from convenant.core.http import AuthenticatedHttpRequest
from convenant.core.models import AuditEvent, User

PAGE_SIZE = 50
# An export stops here and says so: a larger one is narrowed with the filters.
EXPORT_LIMIT = 100_000

# The app that knows parties names them for the party filter (core knows only their ids).
PartyNames = Callable[[Iterable[int] | None], Mapping[int, str]]
_party_names: PartyNames | None = None


def register_party_names(names: PartyNames) -> None:
    """``names(ids)``: the names of these parties (all parties when ``ids`` is None)."""
    global _party_names
    _party_names = names


def party_names(ids: Iterable[int] | None) -> Mapping[int, str]:
    return _party_names(ids) if _party_names is not None else {}


class AuditFilterForm(forms.Form):
    """The filters of the audit log; every choice is limited to what the reader may read."""

    who = forms.EmailField(
        label=gettext_lazy("Who (e-mail address)"), required=False, max_length=254
    )
    verb = forms.ChoiceField(label=gettext_lazy("Kind of change"), required=False)
    kind = forms.TypedChoiceField(
        label=gettext_lazy("Kind of object"), coerce=int, required=False, empty_value=None
    )
    party = forms.TypedChoiceField(
        label=gettext_lazy("Party"), coerce=int, required=False, empty_value=None
    )
    since = forms.DateField(label=gettext_lazy("From"), required=False)
    until = forms.DateField(label=gettext_lazy("To"), required=False)
    q = forms.CharField(
        label=gettext_lazy("Object name contains"), required=False, max_length=200, strip=True
    )

    def __init__(self, data: Any, *, reader: User, actor: Actor, events: QuerySet[AuditEvent]):
        super().__init__(data)
        self.reader = reader
        all_label = [("", _("All"))]
        verbs = events.order_by("verb").values_list("verb", flat=True).distinct()
        self.fields["verb"].choices = all_label + [(v, verb_label(v)) for v in verbs]  # type: ignore[attr-defined]
        kinds = ContentType.objects.filter(
            pk__in=events.order_by().values("object_type_id").distinct()
        )
        self.fields["kind"].choices = all_label + sorted(  # type: ignore[attr-defined]
            ((ct.pk, _kind_label(ct)) for ct in kinds), key=lambda c: str(c[1])
        )
        if access.can_administer_covenant(actor):
            parties = party_names(None)
        else:
            parties = party_names(actor.party_ids_with(Role.ADMINISTRATOR))
        self.fields["party"].choices = all_label + sorted(  # type: ignore[attr-defined]
            parties.items(), key=lambda c: c[1]
        )

    def clean_who(self) -> int | None:
        """A person the reader may see, by address (a list of everyone would be long, and
        would show a party's administrators names they may not read)."""
        email = self.cleaned_data.get("who")
        if not email:
            return None
        person = User.objects.visible_to(self.reader).filter(email__iexact=email).only("pk").first()
        if person is None:
            raise forms.ValidationError(_("Nobody you may see has this e-mail address."))
        return person.pk

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned


def _kind_label(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(model._meta.verbose_name).capitalize() if model else content_type.model


def _readable_content_q(actor: Actor) -> Q:
    """The events whose content (object, values) this reader may read."""
    return ~Q(verb__in=confidential_verbs()) | access.member_of_q(
        actor, "party_id", Role.ADMINISTRATOR
    )


def filtered(
    events: QuerySet[AuditEvent], cleaned: Mapping[str, Any], actor: Actor
) -> QuerySet[AuditEvent]:
    """``events`` (already the reader's) narrowed by the form's values."""
    if cleaned.get("who") is not None:
        events = events.filter(actor_id=cleaned["who"])
    if cleaned.get("verb"):
        events = events.filter(verb=cleaned["verb"])
    if cleaned.get("party") is not None:
        events = events.filter(party_id=cleaned["party"])
    if cleaned.get("since"):
        events = events.filter(occurred_at__date__gte=cleaned["since"])
    if cleaned.get("until"):
        events = events.filter(occurred_at__date__lte=cleaned["until"])
    if cleaned.get("kind") is not None:
        events = events.filter(_readable_content_q(actor), object_type_id=cleaned["kind"])
    if cleaned.get("q"):
        events = events.filter(_readable_content_q(actor), object_repr__icontains=cleaned["q"])
    return events


def _rows(events: Iterable[AuditEvent], reader: User, actor: Actor) -> list[dict[str, Any]]:
    """What the reader reads of each event. Names and addresses are personal data: a party's
    administrators see those of the people they may see (their own party's), not the
    secretariat's staff."""
    events = list(events)
    actor_ids = {e.actor_id for e in events if e.actor_id is not None}
    known = set(
        User.objects.visible_to(reader).filter(pk__in=actor_ids).values_list("pk", flat=True)
    )
    outside = _("someone outside your party")
    rows = []
    for event in events:
        withheld = content_withheld(event, actor)
        rows.append(
            {
                "event": event,
                "label": verb_label(event.verb),
                "who": event.actor_label
                if event.actor_id is None or event.actor_id in known
                else outside,
                "withheld": withheld,
                "changes": [] if withheld else changes(event),
                "kind": ""
                if withheld or event.object_type is None
                else _kind_label(event.object_type),
            }
        )
    return rows


def _reader_events(request: AuthenticatedHttpRequest) -> tuple[Actor, QuerySet[AuditEvent]]:
    actor = access.actor_for(request.user)
    access.require(access.can_read_audit_log(actor))
    return actor, AuditEvent.objects.visible_to(request.user)


def _render(
    request: AuthenticatedHttpRequest, form: AuditFilterForm, actor: Actor, events: Any
) -> HttpResponse:
    if form.is_bound:
        # Bad filter values come back on the form, with nothing listed.
        events = filtered(events, form.cleaned_data, actor) if form.is_valid() else events.none()
    page = Paginator(events.select_related("object_type"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "core/audit_log.html",
        {
            "form": form,
            "page": page,
            "rows": _rows(page, request.user, actor),
            "whole_log": access.can_administer_covenant(actor),
            "filters": [(name, value) for name, value in form.data.items() if name != "page"]
            if form.is_bound
            else [],
            "export_limit": EXPORT_LIMIT,
        },
    )


@login_required
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The log, searched: the secretariat's whole log, or a party's administrators' events
    about their party; bad filter values come back on the form, with nothing listed."""
    actor, events = _reader_events(request)
    data = request.GET if any(k != "page" for k in request.GET) else None
    form = AuditFilterForm(data, reader=request.user, actor=actor, events=events)
    return _render(request, form, actor, events)


EXPORT_FORMATS = ("csv", "xlsx")


@login_required
@require_POST
def audit_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The filtered log as CSV or XLSX, within the same policy and withholding as the page,
    at most EXPORT_LIMIT events (the file says so when it stops). The export is audited."""
    actor, events = _reader_events(request)
    form = AuditFilterForm(request.POST, reader=request.user, actor=actor, events=events)
    file_format = request.POST.get("format", "csv")
    if file_format not in EXPORT_FORMATS:
        form.add_error(None, _("Choose CSV or XLSX."))
    if not form.is_valid():
        return _render(request, form, actor, events)
    chosen = filtered(events, form.cleaned_data, actor).select_related("object_type")
    cut = chosen[EXPORT_LIMIT : EXPORT_LIMIT + 1].exists()
    table = _Table(file_format)
    table.append(_export_header())
    rows = 0
    for line in _export_lines(chosen[:EXPORT_LIMIT], request.user, actor):
        table.append(line)
        rows += 1
    if cut:
        table.append(
            [
                _("The export stops at %(limit)s events; narrow the filters to export the rest.")
                % {"limit": f"{EXPORT_LIMIT:,}"}
            ]
        )
    record_audit_export(
        by=request.user,
        filters={k: _json_value(v) for k, v in form.cleaned_data.items() if v not in (None, "")},
        file_format=file_format,
        rows=rows,
        cut=cut,
    )
    name = f"audit-log-{timezone.localdate():%Y-%m-%d}.{file_format}"
    response = HttpResponse(table.content(), content_type=table.content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def _export_header() -> list[str]:
    return [
        _("When"),
        _("Who"),
        _("What"),
        _("Code"),
        _("Kind of object"),
        _("Object"),
        _("Changes"),
    ]


def _export_row(row: dict[str, Any]) -> list[Any]:
    event = row["event"]
    if row["withheld"]:
        obj, what_changed = "", _("Withheld: confidential to the fund concerned.")
    else:
        obj = event.object_repr
        what_changed = "; ".join(
            f"{name}: {'' if old is None else old} → {'' if new is None else new}"
            for name, old, new in row["changes"]
        )
    return [
        timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
        str(row["who"]),
        str(row["label"]),
        event.verb,
        str(row["kind"]),
        obj,
        what_changed,
    ]


EXPORT_BATCH = 2000


def _export_lines(events: QuerySet[AuditEvent], reader: User, actor: Actor) -> Iterator[list[Any]]:
    """The export's lines, reading the events in batches: an export of many events never
    holds them all in memory at once."""
    batch: list[AuditEvent] = []
    for event in events.iterator(chunk_size=EXPORT_BATCH):
        batch.append(event)
        if len(batch) == EXPORT_BATCH:
            yield from (_export_row(row) for row in _rows(batch, reader, actor))
            batch = []
    yield from (_export_row(row) for row in _rows(batch, reader, actor))


class _Table:
    """A CSV or XLSX file written line by line; every cell inert (no formulas)."""

    def __init__(self, file_format: str) -> None:
        self.file_format = file_format
        if file_format == "csv":
            self.buffer = io.StringIO()
            self.writer = csv.writer(self.buffer)
            self.content_type = "text/csv; charset=utf-8"
        else:
            from openpyxl import Workbook

            self.book = Workbook(write_only=True)
            self.sheet = self.book.create_sheet(str(_("Audit log"))[:31])
            self.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def append(self, line: list[Any]) -> None:
        cells = [inert_cell(value) for value in line]
        if self.file_format == "csv":
            self.writer.writerow(cells)
        else:
            self.sheet.append(cells)

    def content(self) -> bytes:
        if self.file_format == "csv":
            return self.buffer.getvalue().encode("utf-8-sig")
        data = io.BytesIO()
        self.book.save(data)
        return data.getvalue()
