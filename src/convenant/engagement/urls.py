from convenant.engagement.routes import engagements, overviews

urlpatterns = [*engagements.urlpatterns, *overviews.urlpatterns]
