from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignalsConfig(AppConfig):
    name = "convenant.signals"
    label = "signals"
    verbose_name = _("Signals")

    def ready(self) -> None:
        from convenant.signals import hooks, privacy

        hooks.register()
        privacy.register()
