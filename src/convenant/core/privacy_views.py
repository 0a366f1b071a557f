"""Pages of a person's privacy rights: a person downloads their own data from the account
page; the secretariat exports anyone's (with a reason) and erases a person on request,
from that person's page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from convenant.core import access
from convenant.core.actions_privacy import erase_person, export_personal_data
from convenant.core.errors import ActionError, show_on_form
from convenant.core.http import AuthenticatedHttpRequest
from convenant.core.models import User


def _download(document: str, person: User) -> HttpResponse:
    response = HttpResponse(
        document.encode("utf-8"), content_type="application/json; charset=utf-8"
    )
    name = f"convenant-personal-data-{person.pk}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def account_data_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's own data, as one JSON file."""
    document = export_personal_data(by=request.user, person=request.user)
    return _download(document, request.user)


class ExportForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why"),
        max_length=500,
        help_text=gettext_lazy("E.g. “request for access of 3 May”. Recorded in the audit log."),
    )


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why"),
        max_length=500,
        help_text=gettext_lazy("E.g. “request for erasure of 3 May”. Recorded in the audit log."),
    )
    confirm_email = forms.CharField(
        label=gettext_lazy("Type the person's e-mail address to confirm"), max_length=254
    )


def _secretariat_person(request: AuthenticatedHttpRequest, pk: int) -> User:
    person = access.get_visible_or_404(User, request.user, pk=pk)
    access.require(access.actor_for(request.user).is_secretariat)
    return person


@login_required
def person_data_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The secretariat exports a person's data, saying why."""
    person = _secretariat_person(request, pk)
    form = ExportForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            document = export_personal_data(
                by=request.user, person=person, reason=form.cleaned_data["reason"]
            )
        except ActionError as error:
            show_on_form(form, error)
        else:
            return _download(document, person)
    return render(request, "core/privacy/person_export.html", {"person": person, "form": form})


@login_required
def person_erase(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The secretariat erases a person on request, confirmed by typing their address."""
    person = _secretariat_person(request, pk)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            pseudonym = erase_person(by=request.user, person=person, **form.cleaned_data)
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _("The person's data was erased; they are now “%(pseudonym)s”.")
                % {"pseudonym": pseudonym},
            )
            return redirect("person_detail", pk=person.pk)
    return render(request, "core/privacy/person_erase.html", {"person": person, "form": form})
