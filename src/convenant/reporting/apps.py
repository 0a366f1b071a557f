from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from convenant.core.reference_data import Loaded, register_reference_loader


class ReportingConfig(AppConfig):
    name = "convenant.reporting"
    label = "reporting"
    verbose_name = _("Reporting and monitoring")

    def ready(self) -> None:
        from convenant.reporting import hooks, privacy

        hooks.register()
        privacy.register()
        register_reference_loader(
            "kpi-framework", "the KPI frameworks, every version", _load_frameworks, 30
        )


def _load_frameworks() -> list[Loaded]:
    from convenant.reporting.framework import load_all

    return [
        Loaded(f"KPI framework {version}: loaded.", changed=True)
        if created
        else Loaded(f"KPI framework {version}: already loaded, unchanged.", changed=False)
        for version, created in load_all()  # oldest first: a version's predecessor before it
    ]
