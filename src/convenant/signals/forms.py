"""The report forms: one for members of a party, one for the public intake. They only
validate input; ``actions`` decides and writes. Every string here is shown on the public
intake, so it is translated into Dutch, English, French and Spanish."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from convenant.core import limits
from convenant.core.access import Visibility
from convenant.portfolios.identifiers import country_name
from convenant.signals.attachments import max_bytes, max_files
from convenant.signals.readable import fold
from convenant.signals.validation import MAX_MESSAGE, MAX_TEXT, Report

# Theme names for the intake, in all four languages (the taxonomy itself has Dutch and
# English only); a test checks they cover the taxonomy's keys.
THEME_LABELS = {
    "freedom-of-association": _("Freedom of association and collective bargaining"),
    "forced-labour": _("Forced labour"),
    "child-labour": _("Child labour"),
    "living-wage": _("Living wage"),
    "discrimination": _("Discrimination"),
    "health-and-safety": _("Occupational health and safety"),
    "land-rights": _("Land rights and indigenous peoples (free, prior and informed consent)"),
    "human-rights-defenders": _("Human-rights defenders"),
    "privacy": _("Privacy and digital rights"),
    "environment": _("Environment"),
    "pollution": _("Pollution"),
    "deforestation-biodiversity": _("Deforestation and biodiversity"),
    "climate": _("Climate"),
    "animal-welfare": _("Animal welfare"),
}
IMPACT_CHOICES = [
    ("actual", _("It has happened")),
    ("potential", _("It may happen")),
]
AFFECTED_CHOICES = [
    ("workers", _("Workers")),
    ("children", _("Children")),
    ("communities", _("Communities")),
    ("indigenous", _("Indigenous peoples")),
    ("defenders", _("Human-rights defenders")),
]
LEVEL_CHOICES = [
    (Visibility.PUBLIC.value, _("Public: anyone may read it")),
    (Visibility.COVENANT.value, _("Covenant: all parties to the covenant")),
    (Visibility.RESTRICTED.value, _("Restricted: only named parties and the secretariat")),
    (Visibility.SECRETARIAT.value, _("Secretariat only")),
]
SHARING_CHOICES = [
    ("as_reported", _("It may be shared as I reported it")),
    ("redacted", _("Only in a redacted form, without names, reporter or exact location")),
    ("not_shared", _("It must not be shared beyond those handling it")),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files at once; each is checked by content in the action."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


# Where pycountry's catalogue leaves a name in English although the language has its own.
COUNTRY_NAMES = {"es": {"DZ": "Argelia"}}


def country_choices(language: str | None = None) -> list[tuple[str, Any]]:
    """Every country, named and sorted in the reader's language: accents and case do not
    move a name out of its place ("Égypte" among the E's)."""
    import pycountry

    language = (language or translation.get_language() or "en").split("-")[0]
    fixes = COUNTRY_NAMES.get(language, {})
    names = [
        (code, fixes.get(code) or country_name(code, language))
        for code in (str(c.alpha_2) for c in pycountry.countries)
    ]
    return [("", _("choose…")), *sorted(names, key=lambda pair: (fold(pair[1]), pair[1]))]


def mark_required(form: forms.Form) -> None:
    """Required fields say so to assistive technology as well (the page marks them with a
    visible asterisk); choice lists are marked on their group in the template."""
    for field in form.fields.values():
        widget = field.widget
        if field.required and not isinstance(
            widget, forms.RadioSelect | forms.CheckboxSelectMultiple
        ):
            widget.attrs["aria-required"] = "true"


class DateInput(forms.DateInput):
    input_type = "date"


def read_evidence(files: list[Any]) -> list[tuple[str, bytes]]:
    """Uploaded evidence as (name, content), refused early when too many or too large; the
    content itself is checked in the action."""
    if len(files) > max_files():
        raise forms.ValidationError(_("Send at most %(n)s files.") % {"n": max_files()})
    out = []
    for upload in files:
        if upload.size > max_bytes():
            raise forms.ValidationError(
                _("“%(name)s” is larger than %(mb)s MB.")
                % {"name": upload.name, "mb": max_bytes() // (1024 * 1024)}
            )
        out.append((upload.name, upload.read()))
    return out


class ReportForm(forms.Form):
    """What any reporter tells, in the order a local partner knows it: what happened, where
    and at which company, to whom; the company's identifiers are an optional extra."""

    SECTIONS: tuple[tuple[Any, tuple[str, ...]], ...] = (
        (
            _("The abuse"),
            ("description", "impact", "themes", "occurred_on", "occurred_period", "title"),
        ),
        (_("Where, and at which company"), ("company_name", "country", "site")),
        (_("The people affected"), ("affected_groups", "affected_count", "people")),
        (_("Sources and evidence"), ("sources", "evidence")),
        (_("Confidentiality"), ("visibility", "sharing", "shared_with", "addressed_to")),
    )
    IDENTIFIERS = ("company_isin", "company_lei")

    title = forms.CharField(
        label=_("Short title"),
        max_length=200,
        help_text=_("Without names of people: everyone who may read the report sees the title."),
    )
    company_name = forms.CharField(label=_("Company"), max_length=300)
    company_isin = forms.CharField(
        label=_("ISIN of the company (if known)"), max_length=20, required=False
    )
    company_lei = forms.CharField(
        label=_("LEI of the company (if known)"), max_length=30, required=False
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    site = forms.CharField(
        label=_("Site or location"),
        max_length=300,
        required=False,
        help_text=_("For example a factory, mine, plantation or village."),
    )
    themes = forms.MultipleChoiceField(
        label=_("What is it about?"), widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(
        label=_("What happened?"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=limits.hint(MAX_TEXT),
    )
    occurred_on = forms.DateField(label=_("When (date)"), required=False, widget=DateInput)
    occurred_period = forms.CharField(
        label=_("When (in words)"),
        max_length=100,
        required=False,
        help_text=_("For example “since March 2025” or “every harvest season”."),
    )
    affected_count = forms.IntegerField(
        label=_("About how many people are affected?"), required=False, min_value=1
    )
    affected_groups = forms.MultipleChoiceField(
        label=_("Who is affected?"),
        choices=AFFECTED_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people = forms.CharField(
        label=_("Names of people involved (optional)"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=limits.hint(
            MAX_TEXT,
            _("Hidden from everyone outside those handling the report, unless you allow it."),
        ),
    )
    impact = forms.ChoiceField(
        label=_("Has it happened, or may it happen?"),
        choices=IMPACT_CHOICES,
        widget=forms.RadioSelect,
    )
    sources = forms.CharField(
        label=_("Sources"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=limits.hint(
            MAX_TEXT, _("Reports, articles, witnesses: what the account rests on.")
        ),
    )
    evidence = MultipleFileField(
        label=_("Evidence files (optional)"),
        required=False,
        help_text=_(
            "Photos (JPEG, PNG, WebP) or PDF documents. Location and camera details are "
            "removed from photos before they are stored."
        ),
    )
    visibility = forms.ChoiceField(
        label=_("Who may read the report?"),
        choices=LEVEL_CHOICES,
        initial=Visibility.SECRETARIAT.value,
        widget=forms.RadioSelect,
    )
    sharing = forms.ChoiceField(
        label=_("May it be shared, and in which form?"),
        choices=SHARING_CHOICES,
        initial="redacted",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()  # type: ignore[attr-defined]
        mark_required(self)
        self.fields["themes"].choices = list(THEME_LABELS.items())  # type: ignore[attr-defined]
        self.fields["evidence"].help_text = (
            str(self.fields["evidence"].help_text)
            + " "
            + str(
                _("At most %(n)s files of %(mb)s MB each.")
                % {"n": max_files(), "mb": max_bytes() // (1024 * 1024)}
            )
        )

    def leading(self) -> list[forms.BoundField]:
        """Fields no section names (for whom a member files it): shown before the sections."""
        placed = {name for _legend, names in self.SECTIONS for name in names}
        placed |= set(self.IDENTIFIERS)
        return [self[name] for name in self.fields if name not in placed]

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The fields by section, for the page."""
        return [
            (legend, [self[n] for n in names if n in self.fields])
            for legend, names in self.SECTIONS
        ]

    def identifiers(self) -> list[forms.BoundField]:
        return [self[name] for name in self.IDENTIFIERS]

    def identifiers_open(self) -> bool:
        """The optional part starts open when it holds a value or an error."""
        return any(self[n].value() or self[n].errors for n in self.IDENTIFIERS)

    def clean_evidence(self) -> list[tuple[str, bytes]]:
        return read_evidence(self.cleaned_data.get("evidence") or [])

    def report(self, shared_with: list[int] | None = None) -> Report:
        data = self.cleaned_data
        return Report.from_data({**data, "shared_with": shared_with or []})


class MemberReportForm(ReportForm):
    """A report filed by a person of a party, for that party."""

    party = forms.ChoiceField(label=_("Reported for"))
    shared_with = forms.MultipleChoiceField(
        label=_("Named parties (restricted reports)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, parties: Any, covenant_parties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(str(p.pk), p.name) for p in parties]  # type: ignore[attr-defined]
        self.fields["shared_with"].choices = [  # type: ignore[attr-defined]
            (str(p.pk), p.name) for p in covenant_parties
        ]


class IntakeForm(ReportForm):
    """The public intake: no account, nothing about the reporter."""

    addressed_to = forms.ChoiceField(
        label=_("Organisation you work with (optional)"),
        required=False,
        help_text=_(
            "A union or NGO of the covenant that may handle your report. The covenant's "
            "secretariat receives every report."
        ),
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["addressed_to"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (str(p.pk), p.name) for p in organisations
        ]


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mark_required(self)


class AnswerForm(ReceiptForm):
    text = forms.CharField(
        label=_("Your answer"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=limits.hint(MAX_MESSAGE),
    )
    evidence = MultipleFileField(label=_("Evidence files (optional)"), required=False)

    def clean_evidence(self) -> list[tuple[str, bytes]]:
        return read_evidence(self.cleaned_data.get("evidence") or [])
