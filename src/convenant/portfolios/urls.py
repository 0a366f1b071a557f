from django.urls import path

from convenant.portfolios import views

urlpatterns = [
    path("issuers/", views.issuer_list, name="issuer_list"),
    path("issuers/<int:pk>/", views.issuer_detail, name="issuer_detail"),
    path("issuers/<int:pk>/merge/", views.issuer_merge, name="issuer_merge"),
]
