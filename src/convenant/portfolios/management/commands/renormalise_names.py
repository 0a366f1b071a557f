"""`convenant renormalise_names`: work the stored normalised names of issuers and aliases out
again after the normalising rules changed (a data migration does it on deploy too)."""

from typing import Any

from django.core.management.base import BaseCommand

from convenant.portfolios.actions.names import renormalise_names


class Command(BaseCommand):
    help = (
        "Normalise the stored names of issuers and aliases again with today's rules; only "
        "rows whose name changes are written."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = renormalise_names()
        self.stdout.write(
            f"{done.issuers} issuer name(s) and {done.aliases} alias(es) normalised again; "
            f"{done.alias_duplicates} duplicate alias(es) dropped, {done.alias_conflicts} "
            "alias(es) left as they were because another alias already has the new name."
        )
