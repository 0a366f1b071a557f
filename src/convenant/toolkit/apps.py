from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToolkitConfig(AppConfig):
    name = "convenant.toolkit"
    label = "toolkit"
    verbose_name = _("Toolkit")

    def ready(self) -> None:
        from convenant.toolkit import hooks, privacy

        hooks.register()
        privacy.register()
