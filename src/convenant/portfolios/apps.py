from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from convenant.core.reference_data import register_separate_dataset


class PortfoliosConfig(AppConfig):
    name = "convenant.portfolios"
    label = "portfolios"
    verbose_name = _("Portfolios")

    def ready(self) -> None:
        from convenant.portfolios import hooks, privacy

        hooks.register()
        privacy.register()
        # Not shipped: the operator downloads these (GLEIF's golden copy is gigabytes).
        register_separate_dataset(
            "gleif",
            "issuers from GLEIF's LEI golden copy and its ISIN-to-LEI map",
            "convenant load_gleif --lei FILE --isin FILE",
        )
        register_separate_dataset(
            "rates",
            "exchange rates from the ECB's eurofxref-hist.csv (or .zip)",
            "convenant load_rates FILE",
        )
