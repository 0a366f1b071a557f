from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "convenant.risk"
    label = "risk"
    verbose_name = _("Risk")

    def ready(self) -> None:
        from convenant.risk import hooks, privacy

        hooks.register()
        privacy.register()
