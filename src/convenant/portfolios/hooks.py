"""What the portfolios app plugs into core: navigation, search and audit verb names."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from convenant.core import access, navigation, search
from convenant.core.audit import register_confidential_verbs, register_verbs
from convenant.core.demo import register_demo_loader
from convenant.portfolios.models import Issuer


def register() -> None:
    from convenant.core.jobs import register_job_kind
    from convenant.portfolios.actions.imports import IMPORT_HOLDINGS, run_import
    from convenant.portfolios.demo import (
        load_demo_issuers,
        load_demo_refused_upload,
        load_demo_snapshots,
    )

    # Three attempts: a worker killed in the middle is tried again (nothing of the killed
    # run was kept, the import writes in one transaction).
    register_job_kind(
        IMPORT_HOLDINGS,
        run_import,
        label=_("Holdings import"),
        max_attempts=3,
        subject_url=lambda job: reverse("import_job_detail", args=[job.subject_id]),
    )
    register_demo_loader("portfolios", load_demo_issuers, 30)
    register_demo_loader("holdings", load_demo_snapshots, 31)
    register_demo_loader("refused upload", load_demo_refused_upload, 32)
    navigation.register_nav_item(
        navigation.NavItem(_("Holdings"), "snapshot_list", lambda a: bool(a.fund_ids), 35)
    )
    navigation.register_nav_item(
        navigation.NavItem(_("Issuers"), "issuer_list", lambda a: a.is_authenticated, 40)
    )
    navigation.register_nav_item(
        navigation.NavItem(
            _("Exchange rates"), "exchange_rates", access.can_administer_covenant, 45
        )
    )
    search.register_search(
        "issuers",
        search.SearchTarget(
            model=Issuer,
            label=_("Issuers"),
            title_fields=("legal_name",),
            vector_field="search_vector",
            describe=lambda i: " · ".join(x for x in (i.country_name, i.sector_name, i.lei) if x),
        ),
    )
    register_verbs(
        {
            "portfolios.create_issuer": _("Issuer added"),
            "portfolios.merge_issuers": _("Issuers merged"),
            "portfolios.renormalise_names": _("Stored issuer names normalised again"),
            "portfolios.load_lei_records": _("GLEIF entities loaded"),
            "portfolios.load_isin_mapping": _("GLEIF ISIN mapping loaded"),
            "portfolios.import_holdings": _("Holdings imported"),
            "portfolios.queue_import": _("Holdings file uploaded"),
            "portfolios.name_columns": _("Columns of a holdings file named"),
            "portfolios.import_valid_rows": _("Valid rows of a refused holdings file imported"),
            "portfolios.confirm_import_size": _(
                "A holdings file much smaller than the previous one confirmed"
            ),
            "portfolios.confirm_match": _("Match confirmed"),
            "portfolios.reject_match": _("Match rejected"),
            "portfolios.set_exchange_rates": _("Exchange rates saved"),
            "portfolios.load_exchange_rates": _("Exchange rates loaded from a file"),
            "portfolios.propose_issuers": _("New issuers proposed by a holdings import"),
            "portfolios.set_sectors": _("Sectors of issuers set"),
            "portfolios.set_parent": _("Parent of an issuer set"),
        }
    )
    # A fund's holdings and match decisions (DESIGN §5): the content of these events is for
    # the fund's administrators only.
    register_confidential_verbs(
        {
            "portfolios.import_holdings",
            "portfolios.queue_import",
            "portfolios.name_columns",
            "portfolios.import_valid_rows",
            "portfolios.confirm_import_size",
            "portfolios.confirm_match",
            "portfolios.reject_match",
            "portfolios.propose_issuers",
        }
    )
