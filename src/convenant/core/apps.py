from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "convenant.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Imported for what they register: lookups; security's deploy checks and log-in clock.
        from convenant.core import lookups, mail, navigation, security  # noqa: F401

        navigation.register_core_items()
        mail.register()
        from convenant.core import two_factor

        two_factor.register()
