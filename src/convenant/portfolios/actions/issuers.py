"""Writes of the portfolios app: the issuer register."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from convenant.core import access
from convenant.core.access import Role
from convenant.core.audit import record_event, snapshot
from convenant.core.errors import ActionError
from convenant.core.models import User
from convenant.parties.models import Party
from convenant.portfolios import events
from convenant.portfolios.identifiers import country_code, isin_problem, lei_problem
from convenant.portfolios.models import Issuer, IssuerAlias, IssuerIdentifier
from convenant.portfolios.names import normalize_name

ISSUER_FIELDS = [
    "legal_name",
    "country_of_incorporation",
    "country_of_operations",
    "sector_scheme",
    "sector_code",
    "sector_name",
    "industry_name",
    "ticker",
    "lei",
    "parent",
]


def _check_country(value: str, field: str) -> str:
    if not value:
        return ""
    code = country_code(value)
    if code is None:
        raise ActionError(
            _("“%(value)s” is not a country we know.") % {"value": value}, field=field
        )
    return code


def create_issuer(
    *,
    by: User,
    legal_name: str,
    country_of_incorporation: str = "",
    country_of_operations: str = "",
    lei: str = "",
    isins: list[str] | None = None,
    sector_scheme: str = "",
    sector_code: str = "",
    sector_name: str = "",
    industry_name: str = "",
    ticker: str = "",
    parent: Issuer | None = None,
) -> Issuer:
    """The secretariat adds an issuer to the register by hand."""
    access.require(access.can_administer_covenant(access.actor_for(by, fresh=True)))
    legal_name = legal_name.strip()
    if not legal_name:
        raise ActionError(_("Enter the issuer's legal name."), field="legal_name")
    lei = lei.strip().upper()
    if lei and (problem := lei_problem(lei)):
        raise ActionError(_("Not a valid LEI: %(problem)s.") % {"problem": problem}, field="lei")
    cleaned_isins = []
    for isin in isins or []:
        isin = isin.strip().upper()
        if problem := isin_problem(isin):
            raise ActionError(
                _("Not a valid ISIN: %(problem)s.") % {"problem": problem}, field="isins"
            )
        cleaned_isins.append(isin)
    with transaction.atomic(durable=True):
        if (
            lei
            and Issuer.objects.unrestricted("create issuer: the action decides access")
            .filter(lei=lei)
            .exists()
        ):
            raise ActionError(
                _("An issuer with LEI %(lei)s already exists.") % {"lei": lei},
                field="lei",
                code="conflict",
            )
        taken = (
            IssuerIdentifier.objects.unrestricted("create issuer: the action decides access")
            .filter(value__in=cleaned_isins)
            .values_list("value", flat=True)
        )
        if taken:
            raise ActionError(
                _("These ISINs already belong to an issuer: %(isins)s.")
                % {"isins": ", ".join(sorted(taken))},
                field="isins",
                code="conflict",
            )
        issuer = Issuer.objects.create(
            legal_name=legal_name,
            country_of_incorporation=_check_country(
                country_of_incorporation, "country_of_incorporation"
            ),
            country_of_operations=_check_country(country_of_operations, "country_of_operations"),
            lei=lei or None,
            sector_scheme=sector_scheme,
            sector_code=sector_code,
            sector_name=sector_name,
            industry_name=industry_name,
            ticker=ticker.strip(),
            parent=parent,
            source=Issuer.Source.SECRETARIAT,
        )
        IssuerIdentifier.objects.bulk_create(
            IssuerIdentifier(issuer=issuer, scheme=IssuerIdentifier.Scheme.ISIN, value=v)
            for v in cleaned_isins
        )
        after = snapshot(issuer, ISSUER_FIELDS) | {"isins": cleaned_isins}
        record_event(actor=by, verb="portfolios.create_issuer", obj=issuer, after=after)
    return issuer


def merge_issuers(*, by: User, duplicate: Issuer, into: Issuer) -> Issuer:
    """Merge a duplicate into the issuer that stays. The duplicate keeps its row, its LEI and
    its ISINs and points to the survivor, so every old identifier and link redirects; its
    names become aliases of the survivor (the fund's own where a fund proposed it); its
    subsidiaries move to the survivor."""
    access.require(access.can_administer_covenant(access.actor_for(by, fresh=True)))
    with transaction.atomic(durable=True):
        duplicate = (
            Issuer.objects.unrestricted("merge issuers: the action decides access")
            .select_for_update()
            .get(pk=duplicate.pk)
        )
        survivor = (
            Issuer.objects.unrestricted("merge issuers: the action decides access")
            .select_for_update()
            .get(pk=into.pk)
            .resolved()
        )
        if duplicate.pk == survivor.pk:
            raise ActionError(_("An issuer cannot be merged into itself."), code="conflict")
        if duplicate.merged_into_id is not None:
            raise ActionError(
                _("%(issuer)s was already merged.") % {"issuer": duplicate}, code="conflict"
            )
        if survivor.proposed_by_party_id not in (None, duplicate.proposed_by_party_id):
            # The duplicate's holders would be led to an issuer only another fund may see.
            raise ActionError(
                _(
                    "%(issuer)s was proposed by a fund's import and is not in the register: "
                    "merge into an issuer of the register."
                )
                % {"issuer": survivor},
                code="conflict",
            )
        if survivor.parent_id == duplicate.pk:
            survivor.parent = duplicate.parent
            survivor.save(update_fields=["parent", "updated_at"])
        # A fund's proposal named what that fund holds: its name stays that fund's own
        # alias. A register issuer's name becomes an alias of the register.
        IssuerAlias.objects.unrestricted("merge issuers: the action decides access").get_or_create(
            normalized_name=normalize_name(duplicate.legal_name),
            country=duplicate.country_of_incorporation,
            learned_from_party_id=duplicate.proposed_by_party_id,
            defaults={
                "issuer": survivor,
                "name": duplicate.legal_name,
                "source": IssuerAlias.Source.MERGE,
            },
        )
        IssuerAlias.objects.unrestricted("merge issuers: the action decides access").filter(
            issuer=duplicate
        ).update(issuer=survivor)
        Issuer.objects.unrestricted("merge issuers: the action decides access").filter(
            parent=duplicate
        ).update(parent=survivor)
        Issuer.objects.unrestricted("merge issuers: the action decides access").filter(
            merged_into=duplicate
        ).update(merged_into=survivor)
        duplicate.merged_into = survivor
        duplicate.save(update_fields=["merged_into", "updated_at"])
        record_event(
            actor=by,
            verb="portfolios.merge_issuers",
            obj=duplicate,
            before={"merged_into": None},
            after={"merged_into": survivor.pk, "survivor": str(survivor)},
        )
        changed = {duplicate.pk, survivor.pk}
        events.issuers_changed(changed)
    return survivor


def propose_issuers(
    *, by: User, fund: Party, names: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """Issuers for the (name, country) pairs of a fund's holdings that the register does not
    know: that fund's proposals, seen by the fund and the secretariat until merged. Part of
    the holdings import, inside its transaction; one query and one bulk insert, however many
    names. Returns the issuer for each (normalised name, country)."""
    access.require(access.actor_for(by, fresh=True).has_role(fund.pk, Role.EDITOR))
    wanted: dict[tuple[str, str], str] = {}
    for name, country in names:
        if name.strip():
            wanted.setdefault((normalize_name(name[:300]), country), name[:300])
    if not wanted:
        return {}
    with transaction.atomic():
        # A name the fund's earlier import proposed already (one without a country, which
        # the matcher cannot compare by country) leads to that proposal, not a second one.
        found = {
            (name, country): pk
            for name, country, pk in Issuer.objects.unrestricted(
                "propose issuers: the action decides access"
            )
            .filter(
                proposed_by_party=fund,
                merged_into__isnull=True,
                normalized_name__any_of=sorted({n for n, _c in wanted}),
            )
            .values_list("normalized_name", "country_of_incorporation", "pk")
            if (name, country) in wanted
        }
        new = [
            Issuer(
                legal_name=legal_name,
                normalized_name=key[0],
                country_of_incorporation=key[1],
                source=Issuer.Source.HOLDINGS,
                proposed_by_party=fund,
            )
            for key, legal_name in wanted.items()
            if key not in found
        ]
        Issuer.objects.bulk_create(new, batch_size=5000)
        found.update({(i.normalized_name, i.country_of_incorporation): i.pk for i in new})
        if new:
            record_event(
                actor=by,
                verb="portfolios.propose_issuers",
                party_id=fund.pk,
                after={"issuers": len(new)},
            )
    return found
