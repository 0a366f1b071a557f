"""Keeping the stored normalised names in step with ``names.normalize_name``: issuers and
aliases store their normalised name (it is indexed and matched on), so when the rules change
the stored names are worked out again — by a data migration on deploy, and by
``convenant renormalise_names`` whenever needed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from convenant.core.audit import record_event
from convenant.portfolios.names import normalize_name

BATCH = 5_000


@dataclass(frozen=True)
class Renormalised:
    issuers: int
    aliases: int
    # Aliases left as they were: their new name is already another alias of the same place.
    alias_conflicts: int
    # Aliases dropped: the same name for the same issuer twice once normalised.
    alias_duplicates: int


def renormalise(issuer_model: Any, alias_model: Any) -> Renormalised:
    """Work the stored names out again; only rows whose name changes are written. Takes the
    models so a data migration can pass its historical ones."""
    issuers = 0
    changed: list[Any] = []
    for issuer in issuer_model.objects.only("pk", "legal_name", "normalized_name").iterator(
        chunk_size=BATCH
    ):
        name = normalize_name(issuer.legal_name)[:300]
        if name != issuer.normalized_name:
            issuer.normalized_name = name
            changed.append(issuer)
        if len(changed) >= BATCH:
            issuer_model.objects.bulk_update(changed, ["normalized_name"])
            issuers, changed = issuers + len(changed), []
    if changed:
        issuer_model.objects.bulk_update(changed, ["normalized_name"])
        issuers += len(changed)

    # Aliases are unique per name and country (per fund for a fund's own): one whose new
    # name another alias of that place already has is a duplicate (same issuer: dropped) or
    # a conflict (another issuer: left as it was, for the secretariat to look at).
    rows = list(
        alias_model.objects.values_list(
            "pk", "name", "normalized_name", "country", "learned_from_party_id", "issuer_id"
        )
    )
    taken = {
        (party, normalized, country): (pk, issuer)
        for pk, _n, normalized, country, party, issuer in rows
    }
    aliases = conflicts = duplicates = 0
    for pk, name, normalized, country, party, issuer in rows:
        new = normalize_name(name)[:300]
        if new == normalized:
            continue
        holder = taken.get((party, new, country))
        if holder is not None and holder[0] != pk:
            if holder[1] == issuer:
                alias_model.objects.filter(pk=pk).delete()
                duplicates += 1
            else:
                conflicts += 1
            continue
        alias_model.objects.filter(pk=pk).update(normalized_name=new)
        taken.pop((party, normalized, country), None)
        taken[(party, new, country)] = (pk, issuer)
        aliases += 1
    return Renormalised(issuers, aliases, conflicts, duplicates)


def renormalise_names(*, by: Any = None) -> Renormalised:
    """The action behind ``convenant renormalise_names``."""
    from convenant.portfolios.models import Issuer, IssuerAlias

    class _All:
        """The models' unrestricted managers: this is maintenance over every row."""

        def __init__(self, model: Any) -> None:
            self.objects = model.objects.unrestricted("renormalising every stored name")

    with transaction.atomic(durable=True):
        done = renormalise(_All(Issuer), _All(IssuerAlias))
        record_event(
            actor=by,
            verb="portfolios.renormalise_names",
            after={
                "issuers": done.issuers,
                "aliases": done.aliases,
                "alias_conflicts": done.alias_conflicts,
                "alias_duplicates": done.alias_duplicates,
            },
        )
    return done
