from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from convenant.core.reference_data import Loaded, register_reference_loader


class EngagementConfig(AppConfig):
    name = "convenant.engagement"
    label = "engagement"
    verbose_name = _("Engagement")

    def ready(self) -> None:
        from convenant.engagement import hooks, privacy

        hooks.register()
        privacy.register()
        register_reference_loader("ladder", "the escalation ladder", _load_ladder, 40)


def _load_ladder() -> list[Loaded]:
    from convenant.engagement.ladder import load_ladder
    from convenant.engagement.models import LadderStep

    def steps() -> list[tuple[object, ...]]:
        return list(LadderStep.objects.order_by("pk").values_list())

    before = steps()
    edition, created = load_ladder()
    if created:
        return [Loaded(f"Escalation ladder {edition}: {created} steps added.", changed=True)]
    # The loader updates steps in place: a step renamed in the file is a change too.
    if steps() != before:
        return [Loaded(f"Escalation ladder {edition}: steps updated.", changed=True)]
    return [Loaded(f"Escalation ladder {edition}: already loaded, unchanged.", changed=False)]
