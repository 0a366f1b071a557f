"""Permission-matrix rows of outsourcing: service providers kept once for the covenant (the
secretariat merges duplicates), a fund's mandates with them, the model clauses each contract
holds at which version (verbatim, adapted with its diff, or not included with a reason),
superseded clauses and renewal tasks.

The world: fund A's mandate with a provider only it uses, an adapted clause with its evidence
and a renewal task; fund B's mandate marked with the other fund's marker; a duplicate
provider for the secretariat to merge. Providers are every party's to read; a fund's mandates
its members' and the secretariat's (which reads, never writes them); anyone else gets 404."""

import datetime
import pathlib
from typing import Any

from convenant.core.testing import (
    ACTORS,
    CREATED,
    FORBIDDEN,
    FORM_ERROR,
    HIDDEN,
    LOGIN,
    OK,
    OTHER_FUND_MARKER,
    REDIRECT,
    Row,
    World,
    members,
)

TODAY = datetime.date.today()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Found only in fund A's mandate: its provider (A's alone), contract, amount and clause.
A_PROVIDER = "Vermogensbeheer Korhoen"
A_CONTRACT = "Contract Korhoen-7"
A_AMOUNT = "123.456.789"  # as the Dutch page prints 123456789
A_WORDING = "Bewoording Korhoen"
B_PROVIDER = "Beheer Gemeen"
B_CONTRACT = f"Contract {OTHER_FUND_MARKER}"
CLAUSE = "mandates-matrix-clause"

READERS = members(HIDDEN, fund_viewer=OK, fund_editor=OK, fund_admin=OK, secretariat=OK)
FORMS = members(HIDDEN, fund_viewer=FORBIDDEN, fund_editor=OK, fund_admin=OK, secretariat=FORBIDDEN)
WRITES = members(
    HIDDEN,
    fund_viewer=FORBIDDEN,
    fund_editor=REDIRECT,
    fund_admin=REDIRECT,
    secretariat=FORBIDDEN,
)
API_CHANGES = members(
    HIDDEN, fund_viewer=FORBIDDEN, fund_editor=OK, fund_admin=OK, secretariat=FORBIDDEN
)
# Who must not read fund A's mandate, and fund B's.
NOT_A = tuple(
    a for a in ACTORS if a not in ("fund_viewer", "fund_editor", "fund_admin", "secretariat")
)
NOT_B = tuple(a for a in ACTORS if a not in ("other_fund", "secretariat"))
COVENANT = tuple(a for a in ACTORS if a not in ("anonymous", "former"))
PROVIDER_EDITORS = members(
    FORBIDDEN,
    fund_editor=OK,
    fund_admin=OK,
    other_fund=OK,
    union=OK,
    secretariat=OK,
    monitoring=OK,
)


def extend_world(world: World) -> None:
    from convenant.outsourcing.actions.mandates import evidence_storage
    from convenant.outsourcing.models import Mandate, MandateClause, Provider, RenewalTask
    from convenant.toolkit.models import ModelText, TextVersion

    creator = world.users["secretariat"]
    mine = Provider.objects.create(name=A_PROVIDER, kind="asset_manager", created_by=creator)
    theirs = Provider.objects.create(name=B_PROVIDER, kind="asset_manager", created_by=creator)
    world.extra["mandates_duplicate"] = Provider.objects.create(
        name="Beheer Gemeen N.V.", kind="asset_manager", created_by=creator
    )
    world.extra["mandates_kept"] = theirs
    world.extra["mandates_provider"] = mine
    text = ModelText.objects.create(identifier=CLAUSE, kind="contract_clause")
    version = TextVersion.objects.create(
        text=text,
        number=1,
        status="adopted",
        title="Matrixclausule",
        title_en="Matrix clause",
        body="De beheerder volgt de OESO-richtlijnen.",
        body_en="The manager follows the OECD Guidelines.",
        adopted_on=datetime.date(2022, 1, 1),
        created_by=creator,
    )
    world.extra["mandates_version"] = version
    mandate = Mandate.objects.create(
        fund=world.fund,
        provider=mine,
        asset_class="listed_equity",
        invested_eur=123456789,
        start_date=datetime.date(2020, 1, 1),
        contract_reference=A_CONTRACT,
        renewal_date=TODAY + datetime.timedelta(days=60),
        created_by=world.users["fund_editor"],
    )
    world.extra["mandate"] = mandate
    world.extra["mandate_task"] = RenewalTask.objects.create(
        mandate=mandate,
        renewal_date=mandate.renewal_date,
        due_on=TODAY - datetime.timedelta(days=100),
    )
    path = pathlib.Path(evidence_storage().path("evidence/matrix-mandates.pdf"))
    path.parent.mkdir(parents=True, exist_ok=True)
    world.keep_file(path, PDF.decode())
    world.extra["mandate_clause"] = MandateClause.objects.create(
        mandate=mandate,
        text=text,
        version=version,
        inclusion="adapted",
        adapted_text=f"De beheerder volgt de OESO-richtlijnen. {A_WORDING}",
        contract_date=datetime.date(2022, 6, 1),
        evidence="evidence/matrix-mandates.pdf",
        passage="art. 9",
        recorded_by=world.users["fund_editor"],
    )
    world.extra["mandate_b"] = Mandate.objects.create(
        fund=world.other_fund,
        provider=theirs,
        asset_class="fixed_income",
        invested_eur=5000000,
        start_date=datetime.date(2021, 1, 1),
        contract_reference=B_CONTRACT,
        created_by=world.users["other_fund"],
    )


def pk(key: str) -> Any:
    return lambda w: [w.extra[key].pk]


def _provider_form(world: World) -> dict[str, Any]:
    return {"name": "Nieuwe Beheerder Matrix", "kind": "consultant", "country": "NL"}


def _mandate_form(world: World) -> dict[str, Any]:
    return {
        "fund": world.fund.pk,
        "provider": world.extra["mandates_provider"].pk,
        "asset_class": "fixed_income",
        "invested_eur": "1000000",
        "start_date": "2024-01-01",
        "renewal_date": "2027-01-01",
    }


def _clause_form(world: World) -> dict[str, Any]:
    return {
        "inclusion": "verbatim",
        "version": world.extra["mandates_version"].pk,
        "contract_date": "2023-01-01",
        "passage": "art. 10",
    }


def _a_markers(world: World) -> list[str]:
    return [A_CONTRACT, A_WORDING]


ROWS: list[Row] = [
    Row(
        "outsourcing_providers",
        members(OK),
        present=lambda w: [A_PROVIDER, B_PROVIDER],
        present_for=COVENANT,
        absent=_a_markers,
    ),
    Row("outsourcing_provider_add", PROVIDER_EDITORS),
    Row(
        "outsourcing_provider_add",
        members(
            FORBIDDEN,
            fund_editor=REDIRECT,
            fund_admin=REDIRECT,
            other_fund=REDIRECT,
            union=REDIRECT,
            secretariat=REDIRECT,
            monitoring=REDIRECT,
        ),
        method="post",
        data=_provider_form,
    ),
    # A's provider page: its mandates only to A's members and the secretariat.
    Row(
        "outsourcing_provider_detail",
        members(OK, former=HIDDEN),
        args=pk("mandates_provider"),
        present=lambda w: [A_PROVIDER],
        absent=_a_markers,
        absent_for=NOT_A,
    ),
    Row(
        "outsourcing_provider_detail",
        members(OK, former=HIDDEN),
        args=pk("mandates_kept"),
        absent=lambda w: [OTHER_FUND_MARKER],
        absent_for=NOT_B,
    ),
    Row(
        "outsourcing_provider_merge",
        members(FORBIDDEN, former=HIDDEN, secretariat=REDIRECT),
        args=pk("mandates_duplicate"),
        method="post",
        data=lambda w: {"kept": w.extra["mandates_kept"].pk},
    ),
    Row(
        "outsourcing_mandates",
        members(OK),
        query="status=all",
        present=lambda w: [A_PROVIDER, A_CONTRACT],
        present_for=("fund_viewer", "fund_editor", "fund_admin", "secretariat"),
        absent=lambda w: [A_PROVIDER, A_CONTRACT, A_AMOUNT],
        absent_for=NOT_A,
    ),
    Row(
        "outsourcing_mandates",
        members(OK),
        query="status=all&outdated=0",
        absent=lambda w: [OTHER_FUND_MARKER, B_PROVIDER],
        absent_for=NOT_B,
    ),
    Row(
        "outsourcing_mandate_add",
        members(FORBIDDEN, fund_editor=OK, fund_admin=OK, other_fund=OK),
    ),
    Row(
        "outsourcing_mandate_add",
        members(FORBIDDEN, fund_editor=REDIRECT, fund_admin=REDIRECT, other_fund=FORM_ERROR),
        method="post",
        data=_mandate_form,
    ),
    Row(
        "outsourcing_mandate_detail",
        READERS,
        args=pk("mandate"),
        present=lambda w: [A_PROVIDER, A_CONTRACT, A_AMOUNT, "Matrixclausule"],
    ),
    Row(
        "outsourcing_mandate_detail",
        members(HIDDEN, other_fund=OK, secretariat=OK),
        args=pk("mandate_b"),
        present=lambda w: [OTHER_FUND_MARKER],
    ),
    Row("outsourcing_mandate_detail", members(HIDDEN), args=lambda w: [999999], missing=True),
    Row("outsourcing_mandate_edit", FORMS, args=pk("mandate")),
    Row(
        "outsourcing_mandate_edit",
        WRITES,
        args=pk("mandate"),
        method="post",
        data=lambda w: {
            "provider": w.extra["mandates_provider"].pk,
            "asset_class": "listed_equity",
            "invested_eur": "200000000",
            "start_date": "2020-01-01",
            "renewal_date": "2028-01-01",
        },
    ),
    Row(
        "outsourcing_mandate_end",
        WRITES,
        args=pk("mandate"),
        method="post",
        data=lambda w: {"end_date": TODAY.isoformat()},
    ),
    Row(
        "outsourcing_clause_record",
        FORMS,
        args=lambda w: [w.extra["mandate"].pk, CLAUSE],
        present=lambda w: ["Matrixclausule"],
    ),
    Row(
        "outsourcing_clause_record",
        WRITES,
        args=lambda w: [w.extra["mandate"].pk, CLAUSE],
        method="post",
        data=_clause_form,
    ),
    Row("outsourcing_clause_evidence", READERS, args=pk("mandate_clause")),
    Row(
        "outsourcing_renewal_task_done",
        WRITES,
        args=pk("mandate_task"),
        method="post",
        data=lambda w: {"note": "Clausules nagelopen"},
    ),
]

# The API: the same reads and the same actions.
ROWS += [
    Row(
        "api:list_providers",
        members(OK),
        present=lambda w: [A_PROVIDER],
        present_for=COVENANT,
    ),
    Row("api:get_provider", members(OK, former=HIDDEN), args=pk("mandates_provider")),
    Row(
        "api:create_provider",
        members(
            FORBIDDEN,
            fund_editor=CREATED,
            fund_admin=CREATED,
            other_fund=CREATED,
            union=CREATED,
            secretariat=CREATED,
            monitoring=CREATED,
        ),
        method="post",
        as_json=True,
        data=_provider_form,
    ),
    Row(
        "api:merge_provider",
        members(FORBIDDEN, former=HIDDEN, secretariat=OK),
        args=pk("mandates_duplicate"),
        method="post",
        as_json=True,
        data=lambda w: {"kept": w.extra["mandates_kept"].pk},
    ),
    Row(
        "api:list_mandates",
        members(OK),
        absent=lambda w: [A_PROVIDER, A_CONTRACT],
        absent_for=NOT_A,
    ),
    Row(
        "api:list_mandates",
        members(OK),
        query="running=false",
        absent=lambda w: [OTHER_FUND_MARKER],
        absent_for=NOT_B,
    ),
    Row(
        "api:create_mandate",
        members(FORBIDDEN, fund_editor=CREATED, fund_admin=CREATED),
        method="post",
        as_json=True,
        data=lambda w: {
            "fund": w.fund.code,
            "provider": w.extra["mandates_provider"].pk,
            "asset_class": "real_estate",
            "start_date": "2024-01-01",
            "invested_eur": 5000000,
        },
    ),
    Row(
        "api:get_mandate",
        READERS,
        args=pk("mandate"),
        present=lambda w: [A_CONTRACT, A_WORDING],
    ),
    Row(
        "api:update_mandate",
        API_CHANGES,
        args=pk("mandate"),
        method="patch",
        as_json=True,
        data=lambda w: {"renewal_date": "2029-01-01"},
    ),
    Row(
        "api:end_mandate",
        API_CHANGES,
        args=pk("mandate"),
        method="post",
        as_json=True,
        data=lambda w: {"end_date": TODAY.isoformat()},
    ),
    Row(
        "api:put_mandate_clause",
        API_CHANGES,
        args=lambda w: [w.extra["mandate"].pk, CLAUSE],
        method="put",
        as_json=True,
        data=lambda w: {"inclusion": "verbatim", "version": 1, "contract_date": "2023-01-01"},
    ),
    Row(
        "api:complete_renewal_task",
        API_CHANGES,
        args=pk("mandate_task"),
        method="post",
        as_json=True,
        data=lambda w: {"note": "Clausules nagelopen"},
    ),
]

# Anonymous visitors are sent to log in everywhere above (``members``).
assert all(row.outcome_for("anonymous") == LOGIN for row in ROWS)
