from convenant.engagement.routes import (
    cases,
    communication,
    engagements,
    fieldwork,
    overviews,
    selection,
)

urlpatterns = [
    *engagements.urlpatterns,
    *overviews.urlpatterns,
    *selection.urlpatterns,
    *cases.urlpatterns,
    *fieldwork.urlpatterns,
    *communication.urlpatterns,
]
