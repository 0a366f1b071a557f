"""What reporting adds to the rest of the product (registrations in the registries of the
apps below it)."""

from __future__ import annotations


def register() -> None:
    from convenant.reporting import (
        hooks_framework,
        hooks_publication,
        hooks_report,
        hooks_review,
        hooks_submissions,
    )

    hooks_framework.register()
    hooks_submissions.register()
    hooks_review.register()
    hooks_report.register()
    hooks_publication.register()
