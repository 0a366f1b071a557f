from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "convenant.governance"
    label = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        from convenant.governance import hooks, privacy

        hooks.register()
        privacy.register()
