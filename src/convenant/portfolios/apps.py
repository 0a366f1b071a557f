from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfoliosConfig(AppConfig):
    name = "convenant.portfolios"
    label = "portfolios"
    verbose_name = _("Portfolios")

    def ready(self) -> None:
        from convenant.portfolios import hooks, privacy

        hooks.register()
        privacy.register()
