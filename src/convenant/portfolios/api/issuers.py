"""API of the issuer register."""

from django.db.models import Prefetch, Q
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from convenant.core import access
from convenant.core.api import Error
from convenant.portfolios.identifiers import country_code
from convenant.portfolios.models import Issuer, IssuerIdentifier, IssuerQuerySet

router = Router(tags=["issuers"])


class IssuerOut(Schema):
    id: int
    legal_name: str
    lei: str | None
    isins: list[str]
    country_of_incorporation: str
    country_of_operations: str
    sector_scheme: str
    sector_code: str
    sector_name: str
    industry_name: str
    ticker: str
    parent_id: int | None
    source: str
    classifications: dict[str, str]

    @staticmethod
    def resolve_isins(obj: Issuer) -> list[str]:
        return [i.value for i in obj.identifiers.all()]

    @staticmethod
    def resolve_classifications(obj: Issuer) -> dict[str, str]:
        return {c.scheme: c.code for c in obj.classifications.all()}


def _issuers(request: HttpRequest) -> IssuerQuerySet:
    isins = IssuerIdentifier.objects.visible_to(request.user)
    return Issuer.objects.visible_to(request.user).prefetch_related(
        Prefetch("identifiers", queryset=isins), "classifications"
    )


@router.get("/issuers", response=list[IssuerOut], summary="List issuers")
@paginate
def list_issuers(request: HttpRequest, q: str = "", country: str = ""):
    """Issuers in the register (merged duplicates left out), by name, LEI or ISIN."""
    issuers = _issuers(request).current()
    if q:
        text = q.strip().upper()
        issuers = issuers.filter(
            Q(legal_name__icontains=q.strip()) | Q(lei=text) | Q(identifiers__value=text)
        ).distinct()
    if country:
        issuers = issuers.filter(country_of_incorporation=country_code(country) or "??")
    return issuers.order_by("legal_name", "pk")


@router.get("/issuers/{issuer_id}", response={200: IssuerOut, 404: Error}, summary="Get an issuer")
def get_issuer(request: HttpRequest, issuer_id: int) -> Issuer:
    """An issuer; a merged duplicate answers with the issuer it was merged into."""
    issuer = access.get_visible_or_404(_issuers(request), request.user, pk=issuer_id)
    if issuer.merged_into_id is None:
        return issuer
    return access.get_visible_or_404(_issuers(request), request.user, pk=issuer.resolved().pk)
