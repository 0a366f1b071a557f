"""The public intake: local partners and anonymous reporters send a report without an
account, in Dutch, English, French or Spanish, and follow it up with their receipt code.

Nothing about the reporter is kept: the middleware removed address and browser details
before these views run; the report stores no user; the receipt code is shown once and
only its hash is stored. The code travels in POST bodies only (never in a URL, which
proxies and browsers log). Sending reports and trying receipt codes are throttled.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from convenant.core.errors import ActionError, show_on_form
from convenant.parties.models import Party
from convenant.signals import throttle
from convenant.signals.actions import (
    answer_with_receipt,
    find_by_receipt,
    intake_parties,
    submit_anonymous_signal,
)
from convenant.signals.forms import THEME_LABELS, AnswerForm, IntakeForm, ReceiptForm
from convenant.signals.models import Signal, SignalMessage
from convenant.signals.uploads import evidence_in_memory

INTAKE_LANGUAGES = [
    ("nl", "Nederlands"),
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
]
CODES = {code for code, _name in INTAKE_LANGUAGES}
STATE_LABELS = {
    "received": gettext_lazy("Received"),
    "in_review": gettext_lazy("Being reviewed"),
    "verified": gettext_lazy("Verified"),
    "unsubstantiated": gettext_lazy("Not substantiated"),
    "duplicate": gettext_lazy("Joined with another report on the same abuse"),
    "shared": gettext_lazy("Verified and shared"),
    "closed": gettext_lazy("Closed"),
}


def _language(lang: str) -> str:
    if lang not in CODES:
        raise Http404
    return lang


def _render(
    request: HttpRequest, lang: str, template: str, context: dict, status: int = 200
) -> HttpResponse:
    page = request.resolver_match.url_name if request.resolver_match else "signal_intake"
    return render(
        request,
        template,
        {**context, "lang": lang, "languages": INTAKE_LANGUAGES, "page_name": page},
        status=status,
    )


def intake_start(request: HttpRequest) -> HttpResponse:
    return redirect("signal_intake", lang="nl")


@never_cache
@evidence_in_memory
def intake(request: HttpRequest, lang: str) -> HttpResponse:
    """The report form; on success the receipt code, shown once."""
    lang = _language(lang)
    with translation.override(lang):
        organisations = intake_parties().order_by("name")
        form = IntakeForm(organisations=organisations)
        if request.method == "POST":
            if throttle.is_blocked(request, "report"):
                return _render(request, lang, "signals/intake/throttled.html", {}, status=429)
            form = IntakeForm(request.POST, request.FILES, organisations=organisations)
            if form.is_valid():
                addressed = form.cleaned_data.get("addressed_to")
                try:
                    signal, code = submit_anonymous_signal(
                        report=form.report(),
                        files=form.cleaned_data["evidence"],
                        addressed_to=Party.objects.get(pk=addressed) if addressed else None,
                        language=lang,
                    )
                except ActionError as error:
                    show_on_form(form, error)
                else:
                    throttle.hit(request, "report")
                    return _render(
                        request,
                        lang,
                        "signals/intake/received.html",
                        {"reference": signal.reference, "code": code},
                    )
        return _render(
            request, lang, "signals/intake/form.html", {"form": form, "themes": THEME_LABELS}
        )


def _conversation(signal: Signal) -> list[SignalMessage]:
    return list(signal.messages.order_by("created_at", "id"))


@never_cache
@evidence_in_memory
def follow_up(request: HttpRequest, lang: str) -> HttpResponse:
    """Enter the receipt code to read the handler's questions and answer them. Wrong codes
    count against a throttle; when it is used up, no code is even looked up."""
    lang = _language(lang)
    with translation.override(lang):
        form: ReceiptForm = ReceiptForm()
        if request.method != "POST":
            return _render(request, lang, "signals/intake/follow_up.html", {"form": form})
        if throttle.is_blocked(request, "receipt"):
            return _render(request, lang, "signals/intake/throttled.html", {}, status=429)
        answering = "text" in request.POST
        form = AnswerForm(request.POST) if answering else ReceiptForm(request.POST)
        code = request.POST.get("code", "")
        signal = find_by_receipt(code)
        if signal is None:
            throttle.hit(request, "receipt")
            form = ReceiptForm(request.POST)
            form.is_valid()
            form.add_error("code", _("This receipt code is not known. Check it and try again."))
            return _render(
                request, lang, "signals/intake/follow_up.html", {"form": form}, status=404
            )
        sent = False
        answer = AnswerForm(initial={"code": code})
        if answering:
            answer = AnswerForm(request.POST, request.FILES)
            if answer.is_valid():
                try:
                    answer_with_receipt(
                        code=code,
                        text=answer.cleaned_data["text"],
                        files=answer.cleaned_data["evidence"],
                    )
                except ActionError as error:
                    show_on_form(answer, error)
                else:
                    sent = True
                    answer = AnswerForm(initial={"code": code})
        return _render(
            request,
            lang,
            "signals/intake/conversation.html",
            {
                "signal": signal,
                "messages_": _conversation(signal),
                "answer": answer,
                "sent": sent,
                "closed": signal.state == "closed",
                "state_label": STATE_LABELS.get(signal.state, signal.state),
            },
        )
