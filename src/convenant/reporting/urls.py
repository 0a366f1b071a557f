from convenant.reporting.routes import framework, publication, report, review, submissions

urlpatterns = [
    *framework.urlpatterns,
    *submissions.urlpatterns,
    *review.urlpatterns,
    *report.urlpatterns,
    *publication.urlpatterns,
]
