from convenant.toolkit.routes import assessment, texts

urlpatterns = [
    *texts.urlpatterns,
    *assessment.urlpatterns,
]
