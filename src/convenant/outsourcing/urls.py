from convenant.outsourcing.routes import mandates, monitoring

urlpatterns = [
    *mandates.urlpatterns,
    *monitoring.urlpatterns,
]
