from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "convenant.reporting"
    label = "reporting"
    verbose_name = _("Reporting and monitoring")

    def ready(self) -> None:
        from convenant.reporting import hooks, privacy

        hooks.register()
        privacy.register()
