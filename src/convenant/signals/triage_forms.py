"""Forms of the handler's work on a signal: they validate input; ``actions`` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from convenant.core import limits
from convenant.signals.forms import mark_required
from convenant.signals.models import LEVEL_CHOICES, REDACTABLE, Tier
from convenant.signals.validation import MAX_MESSAGE, MAX_TEXT

# Nothing chosen until the handler chooses: a default of 1 would pass for a judgement.
SCALE = [("", _("choose…")), *((i, str(i)) for i in range(1, 5))]


class TransitionForm(forms.Form):
    state = forms.ChoiceField(label=_("New state"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=limits.hint(MAX_MESSAGE),
    )

    def __init__(self, *args: Any, states: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = states  # type: ignore[attr-defined]


class AssessForm(forms.Form):
    scale = forms.TypedChoiceField(
        label=_("Scale (how grave)"), choices=SCALE, coerce=int, empty_value=None
    )
    scope = forms.TypedChoiceField(
        label=_("Scope (how many)"), choices=SCALE, coerce=int, empty_value=None
    )
    irremediability = forms.TypedChoiceField(
        label=_("Irremediable character (can it be undone)"),
        choices=SCALE,
        coerce=int,
        empty_value=None,
    )
    likelihood = forms.TypedChoiceField(
        label=_("Likelihood"), choices=SCALE, coerce=int, empty_value=None
    )


class AssignForm(forms.Form):
    handler = forms.ChoiceField(label=_("Handler"), required=False)
    party = forms.ChoiceField(label=_("Handling party"), required=False)

    def __init__(self, *args: Any, handlers: Any, parties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handler"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (str(u.pk), u.full_name) for u in handlers
        ]
        if parties is None:
            del self.fields["party"]
        else:
            self.fields["party"].choices = [("", "—")] + [  # type: ignore[attr-defined]
                (str(p.pk), p.name) for p in parties
            ]


class LinkForm(forms.Form):
    issuer = forms.IntegerField(label=_("Issuer number"), min_value=1)
    with_parent = forms.BooleanField(label=_("Link its parent company too"), required=False)


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Merge into (reference)"), max_length=20)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=limits.hint(MAX_MESSAGE),
    )


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=limits.hint(MAX_MESSAGE),
    )


class ShareForm(forms.Form):
    visibility = forms.ChoiceField(
        label=_("Who may read it"), choices=LEVEL_CHOICES, widget=forms.RadioSelect
    )
    shared_with = forms.MultipleChoiceField(
        label=_("Named parties (restricted)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    with_holders = forms.BooleanField(
        label=_("Every fund that holds the company or its parent"),
        required=False,
        help_text=_(
            "Decided by convenant from the funds' latest holdings when the signal is shared; "
            "you are not told which funds they are."
        ),
    )
    title = forms.CharField(label=_("Title as shared"), max_length=200)
    shared_summary = forms.CharField(
        label=_("Shared account"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=limits.hint(
            MAX_TEXT,
            _("What readers see instead of the full account, without what must stay hidden."),
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=limits.hint(MAX_MESSAGE),
    )

    def __init__(self, *args: Any, parties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shared_with"].choices = [(str(p.pk), p.name) for p in parties]  # type: ignore[attr-defined]
        for field, label in REDACTABLE.items():
            self.fields[f"redact_{field}"] = forms.TypedChoiceField(
                label=_("%(field)s: who may see it") % {"field": label},
                choices=[(t.value, t.label) for t in reversed(Tier)],
                coerce=int,
                initial=Tier.TEAM.value,
            )

        mark_required(self)

    def redactions(self) -> dict[str, int]:
        return {f: int(self.cleaned_data[f"redact_{f}"]) for f in REDACTABLE}
