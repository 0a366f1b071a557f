"""Permission-matrix rows for the issuer register."""

from convenant.core.testing import FORBIDDEN, HIDDEN, OK, Row, World, members


def extend_world(world: World) -> None:
    """A reference issuer everyone signed in may see, and one proposed by another fund's
    import, which only that fund and the secretariat may see."""
    from convenant.portfolios.models import Issuer

    world.extra["issuer"] = Issuer.objects.create(
        legal_name="Referentie N.V.", country_of_incorporation="NL", source=Issuer.Source.GLEIF
    )
    world.extra["proposed_issuer"] = Issuer.objects.create(
        legal_name="Voorgesteld B.V.",
        country_of_incorporation="NL",
        source=Issuer.Source.HOLDINGS,
        proposed_by_party=world.other_fund,
    )


PROPOSED_BY_OTHER_FUND = members(HIDDEN, other_fund=OK, secretariat=OK)

ROWS = [
    Row("issuer_list", members(OK)),
    Row("issuer_list", members(OK), query="q=Voorgesteld&country=NL"),
    Row("issuer_detail", members(OK), args=lambda w: [w.extra["issuer"].pk]),
    Row("issuer_detail", PROPOSED_BY_OTHER_FUND, args=lambda w: [w.extra["proposed_issuer"].pk]),
    Row("issuer_merge", members(FORBIDDEN, secretariat=OK), args=lambda w: [w.extra["issuer"].pk]),
    Row("api:list_issuers", members(OK)),
    Row("api:get_issuer", members(OK), args=lambda w: [w.extra["issuer"].pk]),
    Row("api:get_issuer", PROPOSED_BY_OTHER_FUND, args=lambda w: [w.extra["proposed_issuer"].pk]),
]
