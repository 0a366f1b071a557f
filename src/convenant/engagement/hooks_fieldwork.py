"""What the deep track's fieldwork area adds to the rest of the product: its audit verbs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from convenant.core.audit import register_verbs


def register() -> None:
    register_verbs(
        {
            "engagement.record_consultation": _("Case consultation recorded"),
            "engagement.correct_consultation": _("Case consultation corrected"),
            "engagement.annotate_consultation": _("Note added to a case consultation"),
            "engagement.record_remedy": _("Case remedy or policy change recorded"),
            "engagement.update_remedy": _("Case remedy status updated"),
            "engagement.assess_grievance_mechanism": _("Grievance mechanism assessed"),
        }
    )
