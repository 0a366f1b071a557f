from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutsourcingConfig(AppConfig):
    name = "convenant.outsourcing"
    label = "outsourcing"
    verbose_name = _("Outsourcing")

    def ready(self) -> None:
        from convenant.outsourcing import hooks, privacy

        hooks.register()
        privacy.register()
