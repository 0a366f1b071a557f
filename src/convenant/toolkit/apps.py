from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from convenant.core.reference_data import Loaded, register_reference_loader


class ToolkitConfig(AppConfig):
    name = "convenant.toolkit"
    label = "toolkit"
    verbose_name = _("Toolkit")

    def ready(self) -> None:
        from convenant.toolkit import hooks, privacy

        hooks.register()
        privacy.register()
        register_reference_loader(
            "requirements", "the self-assessment's requirement tree", _load_requirements, 20
        )


def _load_requirements() -> list[Loaded]:
    from convenant.toolkit.requirements import load_requirements

    edition, created = load_requirements()  # the newest edition shipped
    if created:
        return [Loaded(f"Requirements {edition}: {created} nodes loaded.", changed=True)]
    return [Loaded(f"Requirements {edition}: already loaded, unchanged.", changed=False)]
