from django.urls import include, path

from convenant.api import api

urlpatterns = [
    path("", include("convenant.core.urls")),
    path("", include("convenant.parties.urls")),
    path("", include("convenant.governance.urls")),
    path("", include("convenant.toolkit.urls")),
    path("", include("convenant.outsourcing.urls")),
    path("", include("convenant.portfolios.urls")),
    path("", include("convenant.risk.urls")),
    path("", include("convenant.signals.urls")),
    path("", include("convenant.engagement.urls")),
    path("", include("convenant.reporting.urls")),
    path("api/v1/", api.urls),
]
