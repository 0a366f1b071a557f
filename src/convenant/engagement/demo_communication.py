"""The demo's communications of the deep-track cases, all FICTIONAL: per case a public text
generated from the fields its group marked publishable, approved by every party of the group
and, where the case has come that far, published on the public case page; for the big-tech
case also a confidential letter to the company's board, approved and sent outside the
platform.

Called by the deep track's demo loader on a fresh database, once per case, when the case's
group is set up: ``communicate(case, spec, publish=...)``. Everything goes through the real
actions, as the group's people: the lead fund drafts, proposes and publishes, each party's
person approves for their party."""

from __future__ import annotations

from convenant.core.models import User
from convenant.engagement.actions import communication as actions
from convenant.engagement.case_rules import RIGHTS, current_membership_q
from convenant.engagement.demo_case_plan import MARK, DemoCase
from convenant.engagement.models import Case, CaseMember, CaseRole, Communication

WHY = "loading the demo"

# What a demo group lets be published when it has not chosen yet: never the plan's
# questions for the company, roles or agreements, which are the group's working papers.
DEFAULT_PUBLISHABLE = ["title", "themes", "target", "plan_objectives", "milestones", "step"]
# The group of the big-tech case chose to name the company in its public statement.
NAMES_COMPANY = {"big_tech"}

LETTER = {
    "title": f"Brief aan de raad van bestuur over mensenrechtenrisico's van producten {MARK}",
    "text": (
        "Geachte leden van de raad van bestuur,\n\n"
        "Namens de deelnemende pensioenfondsen, vakbonden en maatschappelijke organisaties "
        "van het convenant vragen wij u om een onafhankelijke beoordeling van de "
        "mensenrechteneffecten van uw producten, in het bijzonder voor mensenrechtenverdedigers "
        "en journalisten, en om openheid over de uitkomsten.\n\n"
        "Wij stellen voor dit in een gesprek met de subwerkgroep toe te lichten, binnen drie "
        "maanden na deze brief.\n\n"
        f"Met vriendelijke groet, namens de subwerkgroep {MARK}"
    ),
}


def _members(case: Case) -> list[CaseMember]:
    return list(
        CaseMember.objects.unrestricted(WHY)
        .filter(case=case)
        .filter(current_membership_q("membership__"))
        .select_related("membership__user", "membership__party")
        .order_by("pk")
    )


def _lead(members: list[CaseMember], case: Case) -> User:
    for member in members:
        if member.role == CaseRole.LEAD_FUND:
            return member.membership.user
    raise RuntimeError(f"The demo case {case.reference} has no lead fund yet.")


def _approvers(members: list[CaseMember]) -> list[User]:
    """One person per party that approves: the first of its people whose role may."""
    by_party: dict[int | None, User] = {}
    for member in members:
        if "approve_communication" in RIGHTS.get(member.role, frozenset()):
            by_party.setdefault(member.membership.party_id, member.membership.user)
    return list(by_party.values())


def _approved_by_all(communication: Communication, members: list[CaseMember]) -> Communication:
    for person in _approvers(members):
        communication = actions.approve_communication(by=person, communication=communication)
    return communication


def communicate(case: Case, spec: DemoCase, publish: bool) -> list[Communication]:
    """A public text generated, approved by every party of the group, and published when
    ``publish``; for the big-tech case also a confidential letter, approved."""
    members = _members(case)
    lead = _lead(members, case)
    if not case.publishable:
        from convenant.engagement.actions import cases as case_actions

        case = case_actions.set_publishable(by=lead, case=case, fields=DEFAULT_PUBLISHABLE)
    made = []
    names = (
        spec.key in NAMES_COMPANY and case.issuer_id is not None and "target" in case.publishable
    )
    public = actions.draft_communication(by=lead, case=case, kind="public", names_company=names)
    public = actions.propose_communication(by=lead, communication=public)
    public = _approved_by_all(public, members)
    if publish:
        public = actions.publish_communication(by=lead, communication=public)
    made.append(public)
    if spec.key == "big_tech":
        letter = actions.draft_communication(
            by=lead, case=case, kind="confidential", title=LETTER["title"], text=LETTER["text"]
        )
        letter = actions.propose_communication(by=lead, communication=letter)
        made.append(_approved_by_all(letter, members))
    return made
