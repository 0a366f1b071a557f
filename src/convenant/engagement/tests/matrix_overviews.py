"""Permission-matrix rows of engagement's overviews: a fund's funnel (its own), the
covenant's aggregate view (the secretariat's; no matrix actor sits in the steering group),
the bulk update from a file (editors; each row checked again by its action) and its
template."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from convenant.core.testing import (
    ACTORS,
    FORBIDDEN,
    FORM_ERROR,
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

FUND_ENGAGEMENT = "Inzet Kwikstaart"
OTHER_ENGAGEMENT = f"Inzet {OTHER_FUND_MARKER}"
FUND_ACTORS = ("fund_viewer", "fund_editor", "fund_admin")


def extend_world(world: World) -> None:
    from convenant.engagement.ladder import load_ladder
    from convenant.engagement.models import Engagement, Milestone, Objective, Participant
    from convenant.portfolios.models import Issuer

    load_ladder()
    for party, title in ((world.fund, FUND_ENGAGEMENT), (world.other_fund, OTHER_ENGAGEMENT)):
        issuer = Issuer.objects.create(
            legal_name=f"Bedrijf van {party.code} N.V.",
            country_of_incorporation="NL",
            source="gleif",
        )
        engagement = Engagement.objects.create(
            title=title,
            target="issuer",
            issuer=issuer,
            lead_party=party,
            start_date=datetime.date(2020, 1, 1),
            created_by=world.users["secretariat"],
        )
        Participant.objects.create(
            engagement=engagement, party=party, role="lead", start=datetime.date(2020, 1, 1)
        )
        objective = Objective.objects.create(engagement=engagement, title=f"Doel {title}")
        Milestone.objects.bulk_create(
            Milestone(objective=objective, number=n) for n in (1, 2, 3, 4)
        )
        world.extra[f"overview_{party.code}"] = (engagement, objective)


def _update_file(world: World) -> SimpleUploadedFile:
    """A target date for milestone 1 of fund A's objective, with Dutch headings and date."""
    engagement, objective = world.extra["overview_FA"]
    text = (
        "Engagement;Doelstelling;Mijlpaal;Streefdatum\n"
        f"{engagement.pk};{objective.pk};1;31-12-2030\n"
    )
    return SimpleUploadedFile("update.csv", text.encode(), content_type="text/csv")


def _upload(world: World) -> dict[str, Any]:
    return {"file": _update_file(world)}


def other_funds(world: World) -> list[str]:
    return [OTHER_FUND_MARKER]


# Who may open the bulk update: an editor of an active party, or the secretariat.
EDITORS = members(FORBIDDEN, fund_editor=OK, fund_admin=OK, other_fund=OK, union=OK)
EDITORS.update(secretariat=OK, monitoring=OK)
# Their upload of fund A's row: fund A's editors and the secretariat write it; other editors
# may not read fund A's engagement, so the file comes back with its problem.
UPLOADS = dict(EDITORS)
UPLOADS.update(
    fund_editor=REDIRECT,
    fund_admin=REDIRECT,
    secretariat=REDIRECT,
    other_fund=FORM_ERROR,
    union=FORM_ERROR,
    monitoring=FORM_ERROR,
)
API_UPLOADS = {
    **UPLOADS,
    "fund_editor": OK,
    "fund_admin": OK,
    "secretariat": OK,
    "other_fund": 400,
    "union": 400,
    "monitoring": 400,
}

ROWS: list[Row] = [
    Row(
        "engagement_overview",
        members(
            FORBIDDEN,
            fund_viewer=OK,
            fund_editor=OK,
            fund_admin=OK,
            other_fund=OK,
            secretariat=REDIRECT,
        ),
        absent=other_funds,
        present=lambda w: [w.fund.name],
        present_for=FUND_ACTORS,
    ),
    Row(
        "engagement_covenant_overview",
        members(FORBIDDEN, secretariat=OK),
        absent=other_funds,
        absent_for=ACTORS,
    ),
    Row("engagement_import", EDITORS),
    Row(
        "engagement_import",
        UPLOADS,
        method="post",
        data=_upload,
        absent=other_funds,
    ),
    Row(
        "engagement_import_template",
        members(OK),
        args=lambda w: ["xlsx"],
    ),
    Row(
        "api:get_fund_funnel",
        everyone(HIDDEN, anonymous=LOGIN, other_fund=HIDDEN, **dict.fromkeys(FUND_ACTORS, OK)),
        args=lambda w: ["FA"],
        absent=other_funds,
    ),
    Row(
        "api:get_covenant_funnel",
        # Three funds take part in the matrix world (with the engagements area's): the
        # aggregate is shown, counts only — no engagement's title, no fund's name.
        members(FORBIDDEN, secretariat=OK),
        absent=other_funds,
        absent_for=ACTORS,
    ),
    Row(
        "api:import_updates",
        API_UPLOADS,
        method="post",
        data=_upload,
        absent=other_funds,
    ),
]
