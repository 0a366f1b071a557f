from convenant.engagement.routes import (
    cases,
    closure,
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
    *closure.urlpatterns,
]
