"""Forms of the parties app: they validate input; the actions decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from convenant.core import limits
from convenant.core.access import Role
from convenant.parties.models import Constituency, Covenant, Party, Track


class DateInput(forms.DateInput):
    input_type = "date"


class PartyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=60, required=False)
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("Short unique code, used on the command line (e.g. --fund CODE)."),
    )
    type = forms.ChoiceField(label=_("Type"), choices=Party.Type.choices)
    constituency = forms.ModelChoiceField(
        label=_("Constituency"),
        queryset=Constituency.objects.none(),
        required=False,
        help_text=_("Leave empty for the secretariat and the monitoring committee."),
    )
    tracks = forms.ModelMultipleChoiceField(
        label=_("Tracks signed"),
        queryset=Track.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    joined_on = forms.DateField(label=_("Joined on"), widget=DateInput)
    invested_assets_eur = forms.DecimalField(
        label=_("Invested assets (EUR)"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=0,
    )
    invested_assets_as_of = forms.DateField(
        label=_("Invested assets as of"), required=False, widget=DateInput
    )
    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", max_length=200
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        **limits.text_field(limits.TEXT),
    )

    def __init__(self, *args: Any, covenant: Covenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["constituency"].queryset = covenant.constituencies.all()  # type: ignore[attr-defined]
        self.fields["tracks"].queryset = covenant.tracks.all()  # type: ignore[attr-defined]

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()

    def slug(self) -> str:
        return slugify(self.cleaned_data.get("short_name") or self.cleaned_data["name"])[:80]


class DepartureForm(forms.Form):
    departure = forms.ChoiceField(label=_("What happened"), choices=Party.Departure.choices)
    left_on = forms.DateField(label=_("Date"), widget=DateInput)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        **limits.text_field(
            limits.MESSAGE, help_text=_("Kept with the decision in the audit log.")
        ),
    )


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)
    language = forms.ChoiceField(
        label=_("Language of the e-mail"), choices=settings.LANGUAGES, initial="nl"
    )


class RenewInvitationForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the e-mail"), choices=settings.LANGUAGES)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        # The policy of AUTH_PASSWORD_VALIDATORS, as on the reset and change forms.
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data
