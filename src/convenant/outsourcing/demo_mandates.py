"""The demo's service providers and mandates, all FICTIONAL (order 40: after the funds and the
toolkit's contract clauses of the releases 2019, 2021 and 2022).

Sixteen providers of every kind, one of them a duplicate that the secretariat merges into the
one kept (its mandate follows). Mandates for four demo funds, among them the fund of
``fonds-redacteur``: some hold the toolkit's contract clause verbatim, some adapted in their
own words, some not at all (with the reason), one at the 2019 version that the 2022 release
superseded; renewal dates put a re-check task on the dashboard now and another soon.

Everything goes through the actions, as a fund's editor or the secretariat. The two funds
without a demo account get a fictional editor of their own. Loading again changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from stdnum.iso7064 import mod_97_10

from convenant.core.access import Role
from convenant.core.models import User
from convenant.outsourcing.actions import mandates as actions
from convenant.outsourcing.models import Mandate, MandateClause, Provider
from convenant.parties.demo import demo_email, fund_code
from convenant.parties.models import Membership, Party
from convenant.toolkit.models import ModelText, TextVersion

WHY = "loading the demo"
MARK = "(fictief)"


def _lei(base: str) -> str:
    """A well-formed fictional LEI: 18 characters and their ISO 7064 check digits."""
    return base + mod_97_10.calc_check_digits(base)


@dataclass(frozen=True)
class DemoProvider:
    key: str
    name: str
    kind: str
    country: str = "NL"
    lei: str = ""
    website: str = ""


PROVIDERS = [
    DemoProvider(
        "noordzee", "Noordzee Vermogensbeheer", "asset_manager", lei=_lei("7245000NOORDZEE001")
    ),
    DemoProvider(
        "oostzee", "Oostzee Asset Management", "asset_manager", "LU", _lei("2221000OOSTZEE0001")
    ),
    DemoProvider("heide", "Heide Vastgoedbeheer", "asset_manager"),
    DemoProvider("wadden", "Wadden Obligatiebeheer", "asset_manager"),
    DemoProvider("rijnmond", "Rijnmond Private Markets", "asset_manager", "GB"),
    DemoProvider("delta", "Delta Fiduciair", "fiduciary_manager", lei=_lei("7245000DELTAFID001")),
    DemoProvider("kustlicht", "Kustlicht Fiduciair Beheer", "fiduciary_manager"),
    DemoProvider("lindeboom", "Lindeboom Engagement", "engagement_provider"),
    DemoProvider("dialoog", "Dialoog & Co Stewardship", "engagement_provider", "GB"),
    DemoProvider("kompas", "Kompas Stemadvies", "voting_provider"),
    DemoProvider("stemwijzer", "Stemwijzer Proxy Services", "voting_provider", "US"),
    DemoProvider("polder", "Polder ESG Data", "esg_data_provider"),
    DemoProvider("meetlat", "Meetlat Duurzaamheidsdata", "esg_data_provider", "DE"),
    DemoProvider("raadhuis", "Raadhuis Beleggingsadvies", "consultant"),
    DemoProvider("vuurtoren", "Vuurtoren Consultancy", "consultant"),
]
# Added by another fund under another spelling; the secretariat merges it into "noordzee".
DUPLICATE = DemoProvider("nz", "NZ Vermogensbeheer", "asset_manager")

ASSET = "contract-vermogensbeheerder"  # versions 2019 (superseded in 2022) and 2022


def _name(p: DemoProvider) -> str:
    return f"{p.name} {MARK}"


def _user(key: str) -> User | None:
    return User.objects.unrestricted(WHY).filter(email=demo_email(key)).first()


def _fund_editor(index: int) -> Any:
    """An editor of the demo fund: its demo account, or a fictional one made for it."""
    fund = Party.objects.filter(code=fund_code(index)).first()
    if fund is None:
        return None, None
    known = {0: "fonds-redacteur", 1: "ander-fonds"}.get(index)
    if known:
        return fund, _user(known)
    email = f"mandaten-{fund.code.lower()}@demo.convenant.example"
    user = User.objects.unrestricted(WHY).filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, f"Mandaatbeheer {fund.code} {MARK}", None)
    Membership.objects.unrestricted(WHY).update_or_create(
        user=user, party=fund, defaults={"role": Role.EDITOR}
    )
    return fund, user


def _version(identifier: str, number: int) -> TextVersion | None:
    return (
        TextVersion.objects.unrestricted(WHY)
        .filter(text__identifier=identifier, number=number, status__in=["adopted", "superseded"])
        .first()
    )


def _in_force(identifier: str) -> TextVersion | None:
    return (
        TextVersion.objects.unrestricted(WHY)
        .filter(text__identifier=identifier, status="adopted")
        .first()
    )


def _evidence_pdf() -> bytes:
    from weasyprint import HTML

    html = (
        "<h1>Beheerovereenkomst (fictief)</h1><p>Artikel 14. De beheerder neemt de "
        "OESO-richtlijnen en de UNGP's in acht. Fictieve demogegevens.</p>"
    )
    return bytes(HTML(string=html).write_pdf())


def _clause(by: Any, mandate: Mandate, identifier: str, how: str, **kw: Any) -> bool:
    """Record what the contract holds of a toolkit clause, if the demo toolkit has it."""
    text = ModelText.objects.filter(identifier=identifier).first()
    if text is None:
        return False
    number = kw.pop("number", None)
    version = _version(identifier, number) if number else _in_force(identifier)
    if how != MandateClause.Inclusion.NOT_INCLUDED and version is None:
        return False
    if "contract_date" not in kw and version is not None and version.adopted_on:
        kw["contract_date"] = version.adopted_on + datetime.timedelta(days=45)
    actions.record_clause(by=by, mandate=mandate, text=text, inclusion=how, version=version, **kw)
    return True


def load() -> dict[str, int]:
    secretary = _user("secretariaat")
    if secretary is None or not Party.objects.exists():
        return {}
    providers = Provider.objects.unrestricted(WHY)
    if providers.filter(name=_name(PROVIDERS[0])).exists():
        return {}
    pf1, editor = _fund_editor(0)
    pf2, other = _fund_editor(1)
    pf3, third = _fund_editor(2)
    pf4, fourth = _fund_editor(3)
    if not (editor and other and third and fourth):
        return {}
    today = timezone.localdate()
    adders = [editor, other, secretary]
    made = {
        p.key: actions.add_provider(
            by=adders[i % len(adders)],
            name=_name(p),
            kind=p.kind,
            lei=p.lei,
            country=p.country,
            website=p.website,
        )
        for i, p in enumerate(PROVIDERS)
    }
    made["nz"] = actions.add_provider(
        by=other, name=_name(DUPLICATE), kind=DUPLICATE.kind, country=DUPLICATE.country
    )

    def mandate(by: Any, fund: Party, key: str, asset_class: str, eur: int, **kw: Any) -> Any:
        return actions.record_mandate(
            by=by,
            fund=fund,
            provider=made[key],
            asset_class=asset_class,
            invested_eur=Decimal(eur) * 1_000_000,
            **kw,
        )

    clauses = 0
    # The fund of fonds-redacteur.
    m = mandate(
        editor,
        pf1,
        "noordzee",
        "listed_equity",
        4200,
        start_date=datetime.date(2018, 7, 1),
        contract_reference="IMA-2018-07 (fictief)",
        # Renews in four months: the re-check, six months ahead, is due now.
        renewal_date=today + datetime.timedelta(days=120),
    )
    # Signed in 2019: it still holds the 2019 clause that the 2022 release superseded.
    clauses += _clause(editor, m, ASSET, "verbatim", number=1, passage="art. 14")
    m = mandate(
        editor,
        pf1,
        "heide",
        "real_estate",
        1100,
        start_date=datetime.date(2023, 1, 1),
        contract_reference="VG-2023-01 (fictief)",
        renewal_date=today + datetime.timedelta(days=400),
    )
    current = _in_force(ASSET)
    if current is not None:
        own = current.body.replace("De beheerder", "Heide Vastgoedbeheer", 1) + (
            " Voor vastgoed geldt dit ook voor aannemers op de bouwplaats."
        )
        clauses += _clause(
            editor,
            m,
            ASSET,
            "adapted",
            adapted_text=own,
            passage="bijlage 3, art. 2",
            evidence_name="beheerovereenkomst.pdf",
            evidence_data=_evidence_pdf(),
        )
    m = mandate(
        editor,
        pf1,
        "delta",
        "multi_asset",
        8000,
        start_date=datetime.date(2016, 1, 1),
        contract_reference="FM-2016 (fictief)",
        renewal_date=today + datetime.timedelta(days=210),  # the re-check falls due soon
    )
    clauses += _clause(editor, m, "contract-fiduciair-beheerder", "verbatim", passage="art. 9")
    m = mandate(
        editor,
        pf1,
        "lindeboom",
        "services",
        0,
        start_date=datetime.date(2021, 4, 1),
        contract_reference="ENG-2021 (fictief)",
    )
    clauses += _clause(
        editor,
        m,
        "contract-engagementdienstverlener",
        "adapted",
        adapted_text=(
            "De dienstverlener voert de dialoog met doelen en een termijn, en betrekt vakbonden "
            "waar dat helpt. (fictief)"
        ),
        passage="art. 4",
    )
    m = mandate(editor, pf1, "kompas", "services", 0, start_date=datetime.date(2020, 1, 1))
    clauses += _clause(
        editor,
        m,
        "contract-stemadviseur",
        "not_included",
        reason=(
            "De stemadviseur werkt met standaardvoorwaarden; opnemen bij de verlenging. (fictief)"
        ),
    )
    mandate(editor, pf1, "raadhuis", "services", 0, start_date=datetime.date(2022, 9, 1))
    mandate(
        editor,
        pf1,
        "wadden",
        "fixed_income",
        2300,
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2021, 12, 31),
        contract_reference="VR-2015 (fictief)",
    )

    # Another fund: its mandate with the duplicate follows the provider kept.
    m = mandate(
        other,
        pf2,
        "nz",
        "listed_equity",
        3100,
        start_date=datetime.date(2022, 6, 1),
        contract_reference="AM-2022-06 (fictief)",
    )
    clauses += _clause(other, m, ASSET, "verbatim", passage="art. 11")
    m = mandate(other, pf2, "polder", "services", 0, start_date=datetime.date(2022, 10, 1))
    clauses += _clause(other, m, "contract-esg-data", "verbatim", passage="art. 6")
    mandate(
        other,
        pf2,
        "oostzee",
        "fixed_income",
        2700,
        start_date=datetime.date(2019, 3, 1),
        renewal_date=today + datetime.timedelta(days=150),
    )
    actions.merge_provider(by=secretary, duplicate=made["nz"], kept=made["noordzee"])

    # Two more funds, so that covenant-wide counts can be shown.
    m = mandate(third, pf3, "kustlicht", "multi_asset", 5200, start_date=datetime.date(2017, 1, 1))
    clauses += _clause(third, m, "contract-fiduciair-beheerder", "verbatim")
    m = mandate(third, pf3, "stemwijzer", "services", 0, start_date=datetime.date(2019, 5, 1))
    clauses += _clause(third, m, "contract-stemadviseur", "verbatim")
    m = mandate(
        fourth, pf4, "rijnmond", "private_equity", 900, start_date=datetime.date(2020, 2, 1)
    )
    clauses += _clause(
        fourth,
        m,
        ASSET,
        "not_included",
        reason="Gesloten fonds met vaste voorwaarden; side letter in onderhandeling. (fictief)",
    )
    mandate(fourth, pf4, "meetlat", "services", 0, start_date=datetime.date(2021, 1, 1))
    mandate(fourth, pf4, "dialoog", "services", 0, start_date=datetime.date(2023, 3, 1))
    mandate(fourth, pf4, "oostzee", "listed_equity", 1500, start_date=datetime.date(2020, 7, 1))
    return {
        "providers": providers.count(),
        "mandates": Mandate.objects.unrestricted(WHY).count(),
        "clauses": clauses,
    }


def load_and_describe() -> str:
    counts = load()
    if not counts:
        return "Outsourcing mandates: already loaded, or no covenant in the demo."
    return (
        f"Outsourcing (fictional): {counts['providers']} service providers (one duplicate "
        f"merged), {counts['mandates']} mandates of four funds, {counts['clauses']} model "
        "clauses recorded in them."
    )
