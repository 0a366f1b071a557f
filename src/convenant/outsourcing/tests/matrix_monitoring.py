"""Permission-matrix rows of outsourcing: the reporting requirements agreed per mandate, the
provider reports received per period and what is missing, and a fund's dashboard of the shares
of its mandates with clauses and with reporting in place, by count and by invested amount.

A fund's mandate, its reporting and its dashboard are its members' (its editors write); the
secretariat reads the mandate for administration, not the provider's report itself, and sees
the covenant's counts; nobody else learns the mandate exists."""

from __future__ import annotations

import datetime
import pathlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from convenant.core.testing import (
    ACTORS,
    CREATED,
    FORBIDDEN,
    HIDDEN,
    LOGIN,
    OK,
    OTHER_FUND_MARKER,
    REDIRECT,
    Row,
    World,
    everyone,
    members,
)

FUND_PROVIDER = "Beheerder Merel (fictief)"
FUND_REQUIREMENT = "Stemverslag Merel (fictief)"
OTHER_REQUIREMENT = f"Rapportage {OTHER_FUND_MARKER}"
FUND_ACTORS = ("fund_viewer", "fund_editor", "fund_admin")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def extend_world(world: World) -> None:
    from convenant.outsourcing.actions.monitoring import report_storage
    from convenant.outsourcing.models import (
        Mandate,
        Provider,
        ProviderReport,
        ReportingRequirement,
    )

    why = "matrix world"
    made = {}
    for party, name, description, user in (
        (world.fund, FUND_PROVIDER, FUND_REQUIREMENT, world.users["fund_editor"]),
        (
            world.other_fund,
            "Beheerder Kwartel (fictief)",
            OTHER_REQUIREMENT,
            world.users["other_fund"],
        ),
    ):
        provider = Provider.objects.create(name=name, kind="asset_manager", created_by=user)
        mandate = Mandate.objects.unrestricted(why).create(
            fund=party,
            provider=provider,
            asset_class="listed_equity",
            invested_eur=1_000_000,
            start_date=datetime.date(2020, 1, 1),
            created_by=user,
        )
        requirement = ReportingRequirement.objects.unrestricted(why).create(
            mandate=mandate,
            description=description,
            frequency="yearly",
            since=datetime.date(2021, 1, 1),
        )
        name_on_disk = f"reports/matrix-{party.code}.pdf"
        report = ProviderReport.objects.unrestricted(why).create(
            mandate=mandate,
            period_start=datetime.date(2021, 1, 1),
            period_end=datetime.date(2021, 12, 31),
            received_on=datetime.date(2022, 2, 1),
            file=name_on_disk,
            recorded_by=user,
        )
        report.covers.set([requirement])
        path = pathlib.Path(report_storage().path(name_on_disk))
        path.parent.mkdir(parents=True, exist_ok=True)
        world.keep_file(path, "%PDF-1.4 matrix")
        made[party.code] = (mandate, requirement, report)
    # A third fund with a running mandate: the covenant's counts meet the minimum of funds.
    Mandate.objects.unrestricted(why).create(
        fund=world.former_party,
        provider=provider,
        asset_class="fixed_income",
        invested_eur=500_000,
        start_date=datetime.date(2020, 1, 1),
        created_by=world.users["former"],
    )
    world.extra["monitoring"] = made


def mandate(w: World) -> list[Any]:
    return [w.extra["monitoring"]["FA"][0].pk]


def report(w: World) -> list[Any]:
    return [w.extra["monitoring"]["FA"][2].pk]


def other_funds(world: World) -> list[str]:
    return [OTHER_FUND_MARKER]


def _requirement(w: World) -> dict[str, Any]:
    return {
        "description": "Jaarverslag via de matrix",
        "frequency": "yearly",
        "since": "2022-01-01",
    }


def _report_form(w: World) -> dict[str, Any]:
    return {
        "period_start": "2022-01-01",
        "period_end": "2022-12-31",
        "received_on": "2023-02-01",
        "covers": [w.extra["monitoring"]["FA"][1].pk],
        "file": SimpleUploadedFile("jaar.pdf", PDF, content_type="application/pdf"),
    }


def _report_api(w: World) -> dict[str, Any]:
    return {**_report_form(w), "covers": str(w.extra["monitoring"]["FA"][1].pk)}


# Fund A's mandate: its members read it, the secretariat for administration; anyone else is
# told nothing (404).
READERS = everyone(HIDDEN, anonymous=LOGIN, secretariat=OK, **dict.fromkeys(FUND_ACTORS, OK))
# Writing its reporting: fund A's editors; its viewer and the secretariat see the mandate but
# may not.
EDIT_PAGES = {**READERS, "fund_viewer": FORBIDDEN, "secretariat": FORBIDDEN}
WRITES = {**EDIT_PAGES, "fund_editor": REDIRECT, "fund_admin": REDIRECT}
API_WRITES = {**EDIT_PAGES, "fund_editor": CREATED, "fund_admin": CREATED}

ROWS: list[Row] = [
    Row(
        "outsourcing_dashboard",
        members(
            FORBIDDEN,
            secretariat=REDIRECT,
            other_fund=OK,
            **dict.fromkeys(FUND_ACTORS, OK),
        ),
        absent=other_funds,
        present=lambda w: [w.fund.name, FUND_PROVIDER, "share-clauses-count"],
        present_for=FUND_ACTORS,
    ),
    Row(
        "outsourcing_covenant",
        members(FORBIDDEN, secretariat=OK),
        absent=lambda w: [OTHER_FUND_MARKER, FUND_PROVIDER, w.fund.name],
        absent_for=ACTORS,
    ),
    Row(
        "outsourcing_mandate_reporting",
        READERS,
        args=mandate,
        absent=other_funds,
        present=lambda w: [FUND_REQUIREMENT, "2021"],
    ),
    Row(
        "outsourcing_requirement_add",
        EDIT_PAGES | {"fund_editor": OK, "fund_admin": OK},
        args=mandate,
    ),
    Row(
        "outsourcing_requirement_add",
        WRITES,
        args=mandate,
        method="post",
        data=_requirement,
    ),
    Row("outsourcing_report_add", EDIT_PAGES | {"fund_editor": OK, "fund_admin": OK}, args=mandate),
    Row(
        "outsourcing_report_add",
        WRITES,
        args=mandate,
        method="post",
        data=_report_form,
    ),
    Row(
        "outsourcing_report_file",
        {**READERS, "secretariat": FORBIDDEN},
        args=report,
    ),
    Row(
        "api:list_reporting_requirements",
        READERS,
        args=mandate,
        absent=other_funds,
        present=lambda w: [FUND_REQUIREMENT],
    ),
    Row(
        "api:agree_reporting_requirement",
        API_WRITES,
        args=mandate,
        method="post",
        as_json=True,
        data=_requirement,
    ),
    Row(
        "api:list_provider_reports",
        READERS,
        args=mandate,
        absent=other_funds,
        present=lambda w: ["2021-12-31"],
    ),
    Row(
        "api:record_provider_report",
        API_WRITES,
        args=mandate,
        method="post",
        data=_report_api,
    ),
    Row(
        "api:get_fund_shares",
        everyone(HIDDEN, anonymous=LOGIN, **dict.fromkeys(FUND_ACTORS, OK)),
        args=lambda w: ["FA"],
        absent=other_funds,
        present=lambda w: [FUND_PROVIDER],
        present_for=FUND_ACTORS,
    ),
    Row(
        "api:get_covenant_shares",
        # Three funds have running mandates in the matrix world: the counts are shown.
        members(FORBIDDEN, secretariat=OK),
        absent=lambda w: [OTHER_FUND_MARKER, FUND_PROVIDER],
        absent_for=ACTORS,
    ),
]
