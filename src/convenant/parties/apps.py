from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartiesConfig(AppConfig):
    name = "convenant.parties"
    label = "parties"
    verbose_name = _("Parties")

    def ready(self) -> None:
        from convenant.parties import hooks, privacy

        hooks.register()
        privacy.register()
