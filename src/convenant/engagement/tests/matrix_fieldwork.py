"""Permission-matrix rows of the deep track: a case's consultations (step A, with the group-level
confidentiality and redaction), remedies and company policy changes (step C), and progress with
the grievance-mechanism assessments against UNGP 31 (step D).

The world: a case whose sub-working group holds the fund editor (lead fund) and the union
officer (union expert); the secretariat reads it without sitting in it; everyone else may
not know it exists (404). Its records: a group-level consultation (its findings only for the
group), a case-level one whose names of people stay hidden from the secretariat, a
group-level remedy, a case-level policy change and a grievance assessment. Writes are for
the group's people with the ``record`` right; the secretariat reads, and gets 403."""

import datetime
from typing import Any

from convenant.core.testing import (
    CREATED,
    FORBIDDEN,
    HIDDEN,
    LOGIN,
    OK,
    REDIRECT,
    Row,
    World,
    members,
)

# Words found only where the group alone may read them.
GROUP_FINDINGS = "Bevinding Xylofoon"  # a group-level consultation's findings
HIDDEN_NAMES = "Naam Quagga"  # names of people in a case-level consultation, not opened
GROUP_REMEDY = "Herstel Okapi"  # a group-level remedy
# Words every reader of the case sees.
CASE_FINDINGS = "Bevinding Axolotl"  # the case-level consultation's (opened) findings
POLICY_CHANGE = "Beleid Narwal"  # a case-level policy change
MECHANISM = "Klachtenlijn Tapir"  # the assessed grievance mechanism

TODAY = datetime.date.today()

READERS = members(HIDDEN, fund_editor=OK, union=OK, secretariat=OK)
FORMS = members(HIDDEN, fund_editor=OK, union=OK, secretariat=FORBIDDEN)
WRITES = members(HIDDEN, fund_editor=REDIRECT, union=REDIRECT, secretariat=FORBIDDEN)
API_WRITES = members(HIDDEN, fund_editor=CREATED, union=CREATED, secretariat=FORBIDDEN)
API_CHANGES = members(HIDDEN, fund_editor=OK, union=OK, secretariat=FORBIDDEN)
GROUP = ("fund_editor", "union")
OUTSIDE_GROUP = ("secretariat",)


def extend_world(world: World) -> None:
    from convenant.engagement.models import (
        Consultation,
        GrievanceAssessment,
        GrievanceCriterion,
        GrievanceScore,
        Remedy,
    )
    from convenant.engagement.tests.cases import open_case

    case = open_case(world, "Veldwerk Mijnbouw")
    editor = world.users["fund_editor"]
    world.extra["fw_case"] = case
    world.extra["fw_group_consultation"] = Consultation.objects.create(
        case=case,
        held_on=TODAY,
        kind="affected_group",
        with_whom="Gemeenschap bij de mijn",
        groups=["communities"],
        people="Naam Wombat",
        site="Dorp Wombat",
        findings=GROUP_FINDINGS,
        people_at_risk=True,
        level="group",
        recorded_by=editor,
    )
    world.extra["fw_case_consultation"] = Consultation.objects.create(
        case=case,
        held_on=TODAY,
        kind="local_partner",
        with_whom="Lokale partner",
        people=HIDDEN_NAMES,
        site="Kantoor",
        findings=CASE_FINDINGS,
        level="case",
        redactions={"findings": "case", "site": "case"},
        recorded_by=editor,
    )
    world.extra["fw_remedy"] = Remedy.objects.create(
        case=case,
        kind="remedy",
        what=GROUP_REMEDY,
        for_whom="Verhuisde gezinnen",
        status_on=TODAY,
        level="group",
        recorded_by=editor,
    )
    world.extra["fw_policy"] = Remedy.objects.create(
        case=case,
        kind="policy_change",
        what=POLICY_CHANGE,
        status_on=TODAY,
        level="case",
        recorded_by=editor,
    )
    assessment = GrievanceAssessment.objects.create(
        case=case, assessed_on=TODAY, mechanism=MECHANISM, assessed_by=editor
    )
    for criterion in GrievanceCriterion.values:
        GrievanceScore.objects.create(
            assessment=assessment, criterion=criterion, rating=1, evidence="Beperkt"
        )


def case(key: str = "") -> Any:
    """The URL argument: the case's reference, or the pk of one of its records."""
    if not key:
        return lambda w: [w.extra["fw_case"].reference]
    return lambda w: [w.extra[key].pk]


def _consultation(world: World) -> dict[str, Any]:
    return {
        "held_on": TODAY.isoformat(),
        "kind": "stakeholder",
        "with_whom": "Vakbond ter plaatse",
        "findings": "Lonen onder het minimum",
        "groups": ["workers"],
    }


def _ratings(world: World) -> dict[str, Any]:
    from convenant.engagement.models import GrievanceCriterion

    data: dict[str, Any] = {"assessed_on": TODAY.isoformat(), "mechanism": "Klachtenlijn"}
    for criterion in GrievanceCriterion.values:
        data[f"rating_{criterion}"] = "2"
        data[f"evidence_{criterion}"] = "Gesprekken met klagers"
    return data


ROWS: list[Row] = [
    # Step A: the group reads the group-level findings and the names; the secretariat,
    # reading the case from outside the group, neither.
    Row(
        "case_assessment",
        READERS,
        args=case(),
        present=lambda w: [GROUP_FINDINGS, HIDDEN_NAMES, CASE_FINDINGS],
        present_for=GROUP,
        absent=lambda w: [GROUP_FINDINGS, HIDDEN_NAMES],
        absent_for=OUTSIDE_GROUP,
    ),
    Row(
        "case_assessment",
        READERS,
        args=case(),
        present=lambda w: [CASE_FINDINGS, "redacted"],
        present_for=OUTSIDE_GROUP,
    ),
    Row("case_assessment", members(HIDDEN), args=lambda w: ["ds-1999-99"], missing=True),
    Row("consultation_add", FORMS, args=case()),
    Row("consultation_add", WRITES, args=case(), method="post", data=_consultation),
    Row("consultation_edit", FORMS, args=case("fw_case_consultation")),
    Row(
        "consultation_edit",
        WRITES,
        args=case("fw_case_consultation"),
        method="post",
        data=lambda w: {**_consultation(w), "kind": "local_partner", "level": "case"},
    ),
    # A group-level consultation does not exist for the secretariat outside the group.
    Row(
        "consultation_edit",
        members(HIDDEN, fund_editor=OK, union=OK),
        args=case("fw_group_consultation"),
    ),
    Row(
        "consultation_note",
        WRITES,
        args=case("fw_case_consultation"),
        method="post",
        data=lambda w: {"text": "Later bevestigd door de partner"},
    ),
    Row(
        "consultation_note",
        members(HIDDEN, fund_editor=REDIRECT, union=REDIRECT),
        args=case("fw_group_consultation"),
        method="post",
        data=lambda w: {"text": "Later bevestigd door de partner"},
    ),
    # Step C.
    Row(
        "case_remediation",
        READERS,
        args=case(),
        present=lambda w: [GROUP_REMEDY, POLICY_CHANGE],
        present_for=GROUP,
        absent=lambda w: [GROUP_REMEDY],
        absent_for=OUTSIDE_GROUP,
    ),
    Row("case_remediation", READERS, args=case(), present=lambda w: [POLICY_CHANGE]),
    Row("remedy_add", FORMS, args=case()),
    Row(
        "remedy_add",
        WRITES,
        args=case(),
        method="post",
        data=lambda w: {
            "kind": "remedy",
            "what": "Schadevergoeding",
            "for_whom": "Verhuisde gezinnen",
            "status": "agreed",
            "status_on": TODAY.isoformat(),
            "level": "case",
        },
    ),
    Row("remedy_update", FORMS, args=case("fw_policy")),
    Row(
        "remedy_update",
        WRITES,
        args=case("fw_policy"),
        method="post",
        data=lambda w: {"status": "agreed", "status_on": TODAY.isoformat()},
    ),
    Row("remedy_update", members(HIDDEN, fund_editor=OK, union=OK), args=case("fw_remedy")),
    # Step D.
    Row("case_monitoring", READERS, args=case(), present=lambda w: [MECHANISM]),
    Row("grievance_assess", FORMS, args=case()),
    Row("grievance_assess", WRITES, args=case(), method="post", data=_ratings),
]

# The API: the same reads, redacted alike, and the same actions.
ROWS += [
    Row(
        "api:list_case_consultations",
        READERS,
        args=case(),
        present=lambda w: [GROUP_FINDINGS, HIDDEN_NAMES],
        present_for=GROUP,
        absent=lambda w: [GROUP_FINDINGS, HIDDEN_NAMES],
        absent_for=OUTSIDE_GROUP,
    ),
    Row(
        "api:list_case_consultations",
        READERS,
        args=case(),
        present=lambda w: [CASE_FINDINGS],
    ),
    Row(
        "api:record_case_consultation",
        API_WRITES,
        args=case(),
        method="post",
        as_json=True,
        data=_consultation,
    ),
    Row(
        "api:correct_case_consultation",
        API_CHANGES,
        args=case("fw_case_consultation"),
        method="patch",
        as_json=True,
        data=lambda w: {"findings": "Bevinding, gecorrigeerd"},
    ),
    Row(
        "api:annotate_case_consultation",
        API_WRITES,
        args=case("fw_case_consultation"),
        method="post",
        as_json=True,
        data=lambda w: {"text": "Later bevestigd"},
    ),
    Row(
        "api:list_case_remedies",
        READERS,
        args=case(),
        present=lambda w: [POLICY_CHANGE],
        absent=lambda w: [GROUP_REMEDY],
        absent_for=OUTSIDE_GROUP,
    ),
    Row(
        "api:record_case_remedy",
        API_WRITES,
        args=case(),
        method="post",
        as_json=True,
        data=lambda w: {"kind": "policy_change", "what": "Nieuw mensenrechtenbeleid"},
    ),
    Row(
        "api:update_case_remedy",
        API_CHANGES,
        args=case("fw_policy"),
        method="post",
        as_json=True,
        data=lambda w: {"status": "in_progress"},
    ),
    Row(
        "api:list_grievance_assessments",
        READERS,
        args=case(),
        present=lambda w: [MECHANISM],
    ),
    Row(
        "api:assess_grievance_mechanism",
        API_WRITES,
        args=case(),
        method="post",
        as_json=True,
        data=lambda w: {
            "assessed_on": TODAY.isoformat(),
            "mechanism": "Klachtenlijn",
            "ratings": [
                {"criterion": c, "rating": 2, "evidence": "Gesprekken"}
                for c in (
                    "legitimate",
                    "accessible",
                    "predictable",
                    "equitable",
                    "transparent",
                    "rights_compatible",
                    "continuous_learning",
                    "engagement",
                )
            ],
        },
    ),
]

# Anonymous visitors are sent to log in everywhere above (``members``).
assert all(row.outcome_for("anonymous") == LOGIN for row in ROWS)
