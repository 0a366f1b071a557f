from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "convenant.engagement"
    label = "engagement"
    verbose_name = _("Engagement")

    def ready(self) -> None:
        from convenant.engagement import hooks, privacy

        hooks.register()
        privacy.register()
