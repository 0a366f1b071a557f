"""The demo's toolkit of model texts, all FICTIONAL: policy clauses, contract clauses for asset
managers, fiduciary managers and engagement, voting and ESG-data providers, reporting
requirements for providers and theme documents (remedy, trade-union rights, biodiversity),
in Dutch and English, gathered in the releases 2019, 2021 and 2022. Some texts change between
releases, so the diffs show; one 2022 change cites the deep track's biodiversity lesson. A
2023 draft is in consultation with two parties' comments.

Everything goes through the actions. The releases are adopted by the steering group's
``adopt_toolkit_version`` decisions of the governance demo (order 22), whose pending effect
this loader applies once the release holds its versions, so the versions carry the
decisions' dates. Loading again changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from convenant.core.models import User
from convenant.parties.demo import demo_email
from convenant.parties.models import Party
from convenant.toolkit.actions import texts as act
from convenant.toolkit.models import ModelText, Release, TextVersion

WHY = "loading the demo"
MARK = "(fictief)"
MARK_EN = "(fictional)"
RELEASES = ("2019", "2021", "2022")
DRAFT_RELEASE = "2023"


@dataclass(frozen=True)
class Wording:
    title: str
    title_en: str
    body: str
    body_en: str
    note: str = ""


@dataclass(frozen=True)
class DemoText:
    identifier: str
    kind: str
    audience: str = ""
    theme: str = ""
    versions: dict[str, Wording] = field(default_factory=dict)  # by release


def _p(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


POLICY_2019 = Wording(
    "Verankering van de OESO-richtlijnen in het beleggingsbeleid",
    "Embedding the OECD Guidelines in the investment policy",
    _p(
        "Het fonds verankert de OESO-richtlijnen voor multinationale ondernemingen en de "
        "UN Guiding Principles on Business and Human Rights in zijn beleggingsbeleid.",
        "Het fonds brengt de risico's voor mens en milieu in zijn beleggingen in kaart en "
        "prioriteert die naar ernst. " + MARK,
    ),
    _p(
        "The fund embeds the OECD Guidelines for Multinational Enterprises and the UN "
        "Guiding Principles on Business and Human Rights in its investment policy.",
        "The fund identifies the risks to people and the environment in its investments and "
        "prioritises them by severity. " + MARK_EN,
    ),
)
POLICY_2021 = Wording(
    POLICY_2019.title,
    POLICY_2019.title_en,
    _p(
        "Het fonds verankert de OESO-richtlijnen voor multinationale ondernemingen en de "
        "UN Guiding Principles on Business and Human Rights binnen twee jaar in zijn "
        "beleggingsbeleid.",
        "Het fonds brengt de risico's voor mens en milieu in zijn beleggingen in kaart, "
        "prioriteert die naar ernst en waarschijnlijkheid, en rapporteert er jaarlijks "
        "openbaar over. " + MARK,
    ),
    _p(
        "The fund embeds the OECD Guidelines for Multinational Enterprises and the UN "
        "Guiding Principles on Business and Human Rights in its investment policy within two "
        "years.",
        "The fund identifies the risks to people and the environment in its investments, "
        "prioritises them by severity and likelihood, and reports on them publicly every "
        "year. " + MARK_EN,
    ),
    "Termijn van twee jaar en jaarlijkse rapportage toegevoegd na de nulmeting " + MARK,
)
ASSET_2019 = Wording(
    "Contractclausule voor vermogensbeheerders",
    "Contract clause for asset managers",
    _p(
        "De beheerder handelt bij de uitvoering van dit mandaat in lijn met de "
        "OESO-richtlijnen en de UNGP's.",
        "De beheerder informeert het fonds binnen dertig dagen over ernstige negatieve "
        "gevolgen bij ondernemingen in de portefeuille. " + MARK,
    ),
    _p(
        "In carrying out this mandate the manager acts in line with the OECD Guidelines and "
        "the UNGPs.",
        "The manager informs the fund within thirty days of severe adverse impacts at "
        "companies in the portfolio. " + MARK_EN,
    ),
)
ASSET_2022 = Wording(
    ASSET_2019.title,
    ASSET_2019.title_en,
    _p(
        "De beheerder handelt bij de uitvoering van dit mandaat in lijn met de "
        "OESO-richtlijnen en de UNGP's, ook waar het gaat om gevolgen voor biodiversiteit.",
        "De beheerder informeert het fonds binnen dertig dagen over ernstige negatieve "
        "gevolgen bij ondernemingen in de portefeuille, en zet zijn invloed in om die te "
        "beëindigen. " + MARK,
    ),
    _p(
        "In carrying out this mandate the manager acts in line with the OECD Guidelines and "
        "the UNGPs, including where impacts on biodiversity are concerned.",
        "The manager informs the fund within thirty days of severe adverse impacts at "
        "companies in the portfolio, and uses its leverage to bring them to an end. " + MARK_EN,
    ),
    "Biodiversiteit en het inzetten van invloed toegevoegd, naar de les uit de casus "
    "biodiversiteit van het diepe spoor: beheerders zagen biodiversiteit niet als onderdeel "
    "van due diligence " + MARK,
)
ASSET_2023 = Wording(
    ASSET_2019.title,
    ASSET_2019.title_en,
    _p(
        "De beheerder handelt bij de uitvoering van dit mandaat in lijn met de "
        "OESO-richtlijnen en de UNGP's, ook waar het gaat om gevolgen voor biodiversiteit.",
        "De beheerder informeert het fonds binnen veertien dagen over ernstige negatieve "
        "gevolgen bij ondernemingen in de portefeuille, en zet zijn invloed in om die te "
        "beëindigen en herstel te bieden. " + MARK,
    ),
    _p(
        "In carrying out this mandate the manager acts in line with the OECD Guidelines and "
        "the UNGPs, including where impacts on biodiversity are concerned.",
        "The manager informs the fund within fourteen days of severe adverse impacts at "
        "companies in the portfolio, and uses its leverage to bring them to an end and to "
        "provide remedy. " + MARK_EN,
    ),
    "Kortere meldtermijn en herstel, na de monitoringrapportage " + MARK,
)
REPORTING_2019 = Wording(
    "Rapportage-eisen voor dienstverleners",
    "Reporting requirements for service providers",
    _p(
        "De dienstverlener rapporteert jaarlijks over de gevoerde dialogen met ondernemingen "
        "en de resultaten daarvan. " + MARK,
    ),
    _p(
        "The provider reports every year on its dialogues with companies and their "
        "results. " + MARK_EN,
    ),
)
REPORTING_2021 = Wording(
    REPORTING_2019.title,
    REPORTING_2019.title_en,
    _p(
        "De dienstverlener rapporteert ieder halfjaar over de gevoerde dialogen met "
        "ondernemingen, de bereikte mijlpalen en de ingezette escalatie.",
        "De rapportage noemt per onderneming het thema en de ernst van het risico. " + MARK,
    ),
    _p(
        "The provider reports every six months on its dialogues with companies, the "
        "milestones reached and the escalation used.",
        "The report names the theme and the severity of the risk for each company. " + MARK_EN,
    ),
    "Halfjaarlijks in plaats van jaarlijks; mijlpalen en escalatie toegevoegd " + MARK,
)


def _simple(title: str, title_en: str, body: str, body_en: str) -> Wording:
    return Wording(title, title_en, f"{body} {MARK}", f"{body_en} {MARK_EN}")


TEXTS = [
    DemoText(
        "beleid-oeso-verankering",
        "policy_clause",
        versions={"2019": POLICY_2019, "2021": POLICY_2021},
    ),
    DemoText(
        "contract-vermogensbeheerder",
        "contract_clause",
        "asset_manager",
        versions={"2019": ASSET_2019, "2022": ASSET_2022},
    ),
    DemoText(
        "contract-fiduciair-beheerder",
        "contract_clause",
        "fiduciary_manager",
        versions={
            "2019": _simple(
                "Contractclausule voor fiduciair beheerders",
                "Contract clause for fiduciary managers",
                "De fiduciair beheerder neemt de OESO-richtlijnen op in de selectie van en "
                "het toezicht op onderliggende beheerders.",
                "The fiduciary manager includes the OECD Guidelines in the selection and "
                "oversight of underlying managers.",
            )
        },
    ),
    DemoText(
        "contract-engagementdienstverlener",
        "contract_clause",
        "engagement_provider",
        versions={
            "2021": _simple(
                "Contractclausule voor engagementdienstverleners",
                "Contract clause for engagement providers",
                "De dienstverlener voert de dialoog met doelen, een termijn en "
                "escalatiestappen, en betrekt vakbonden en ngo's waar dat helpt.",
                "The provider engages with objectives, a time limit and escalation steps, "
                "and involves unions and NGOs where that helps.",
            )
        },
    ),
    DemoText(
        "contract-stemadviseur",
        "contract_clause",
        "voting_provider",
        versions={
            "2021": _simple(
                "Contractclausule voor stemadviseurs",
                "Contract clause for voting advisers",
                "Het stemadvies weegt ernstige negatieve gevolgen voor mens en milieu mee.",
                "The voting advice takes severe adverse impacts on people and the "
                "environment into account.",
            )
        },
    ),
    DemoText(
        "contract-esg-data",
        "contract_clause",
        "esg_data_provider",
        versions={
            "2022": _simple(
                "Contractclausule voor leveranciers van ESG-data",
                "Contract clause for ESG-data providers",
                "De leverancier vermeldt per gegeven de bron en de datum, en meldt ernstige "
                "controverses binnen een week.",
                "The provider states the source and date of each data point, and reports "
                "severe controversies within a week.",
            )
        },
    ),
    DemoText(
        "rapportage-dienstverleners",
        "reporting_requirement",
        versions={"2019": REPORTING_2019, "2021": REPORTING_2021},
    ),
    DemoText(
        "thema-herstel",
        "theme_document",
        theme="remedy",
        versions={
            "2021": _simple(
                "Themadocument herstel en verhaal",
                "Theme document on remedy",
                "Waar een fonds bijdraagt aan schade, werkt het mee aan herstel; waar het "
                "alleen verbonden is, zet het zijn invloed in.",
                "Where a fund contributes to harm it cooperates in remedy; where it is only "
                "linked, it uses its leverage.",
            )
        },
    ),
    DemoText(
        "thema-vakbondsrechten",
        "theme_document",
        theme="trade-union-rights",
        versions={
            "2021": _simple(
                "Themadocument vakbondsrechten",
                "Theme document on trade-union rights",
                "Vrijheid van vereniging en collectief onderhandelen zijn voorwaarden voor "
                "eerlijk werk.",
                "Freedom of association and collective bargaining are conditions for fair work.",
            )
        },
    ),
    DemoText(
        "thema-biodiversiteit",
        "theme_document",
        theme="biodiversity",
        versions={
            "2022": Wording(
                "Themadocument biodiversiteit",
                "Theme document on biodiversity",
                "Verlies van biodiversiteit raakt de bestaanszekerheid van gemeenschappen; "
                "due diligence omvat daarom ook de gevolgen voor natuur. " + MARK,
                "Loss of biodiversity affects the livelihoods of communities; due diligence "
                "therefore covers impacts on nature too. " + MARK_EN,
                "Nieuw, naar de les uit de casus biodiversiteit van het diepe spoor " + MARK,
            )
        },
    ),
]

COMMENTS = [
    (
        "fonds-redacteur",
        "nl",
        "binnen veertien dagen",
        "Veertien dagen is kort voor beheerders met een grote portefeuille; dertig dagen met "
        "een eerste melding binnen veertien? " + MARK,
    ),
    (
        "vakbond",
        "en",
        "provide remedy",
        "Please name the affected workers and their unions as those to be consulted on "
        "remedy. " + MARK_EN,
    ),
]


def _user(key: str) -> User | None:
    return User.objects.unrestricted(WHY).filter(email=demo_email(key)).first()


def _decision(label: str) -> object | None:
    from convenant.governance.models import Decision

    return (
        Decision.objects.unrestricted(WHY)
        .filter(effect_type="adopt_toolkit_version", effect_params__release=label)
        .order_by("number")
        .first()
    )


def _write(secretary: User, spec: DemoText, wording: Wording) -> TextVersion:
    """The text's next draft with this wording: its first version, or one copied from the
    latest and edited."""
    text = ModelText.objects.filter(identifier=spec.identifier).first()
    if text is None:
        return act.create_text(
            by=secretary,
            identifier=spec.identifier,
            kind=spec.kind,
            audience=spec.audience,
            theme=spec.theme,
            title=wording.title,
            title_en=wording.title_en,
            body=wording.body,
            body_en=wording.body_en,
            change_note=wording.note,
            order=TEXTS.index(spec),
        )
    draft = act.new_version(by=secretary, text=text)
    return act.update_draft(
        by=secretary,
        version=draft,
        title=wording.title,
        title_en=wording.title_en,
        body=wording.body,
        body_en=wording.body_en,
        change_note=wording.note,
    )


def _release(secretary: User, label: str) -> bool:
    """The release's versions written and gathered; adopted by its decision, if the
    governance demo holds one. True when adopted."""
    from convenant.governance.actions import decisions as governance

    release = act.create_release(
        by=secretary, label=label, note=f"Toolkit {label} van het convenant {MARK}"
    )
    for spec in TEXTS:
        if label in spec.versions:
            version = _write(secretary, spec, spec.versions[label])
            act.add_to_release(by=secretary, release=release, version=version)
    decision = _decision(label)
    if decision is None:
        return False
    governance.apply_decision_effect(by=secretary, decision=decision)  # type: ignore[arg-type]
    return True


def _consultation(secretary: User) -> None:
    """The 2023 draft of the asset-manager clause, in consultation with two comments."""
    spec = next(t for t in TEXTS if t.identifier == "contract-vermogensbeheerder")
    version = _write(secretary, spec, ASSET_2023)
    release = act.create_release(by=secretary, label=DRAFT_RELEASE, note=f"In voorbereiding {MARK}")
    act.add_to_release(by=secretary, release=release, version=version)
    version = act.open_consultation(
        by=secretary,
        version=version,
        closes_on=timezone.localdate() + datetime.timedelta(days=21),
    )
    for key, language, passage, words in COMMENTS:
        author = _user(key)
        if author is None:
            continue
        from convenant.core.access import actor_for

        parties = act.commenting_parties(actor_for(author, fresh=True))
        if parties:
            act.add_comment(
                by=author,
                version=version,
                party=parties[0],
                text=words,
                language=language,
                passage=passage,
            )


def load() -> dict[str, int]:
    secretary = _user("secretariaat")
    if secretary is None or not Party.objects.exists():
        return {}
    releases = Release.objects.unrestricted(WHY)
    adopted = 0
    if not releases.filter(label=DRAFT_RELEASE).exists():
        for label in RELEASES:
            adopted += _release(secretary, label)
        _consultation(secretary)
    versions = TextVersion.objects.unrestricted(WHY)
    return {
        "texts": ModelText.objects.count(),
        "versions": versions.count(),
        "adopted": releases.filter(status=Release.Status.ADOPTED).count(),
        "in_consultation": versions.filter(status="consultation").count(),
        "made": adopted,
    }


def load_and_describe() -> str:
    counts = load()
    if not counts:
        return "Toolkit texts: no covenant in the demo, nothing loaded."
    return (
        f"Toolkit (fictional): {counts['texts']} model texts in {counts['versions']} "
        f"versions, {counts['adopted']} releases adopted by the steering group, "
        f"{counts['in_consultation']} draft in consultation."
    )
