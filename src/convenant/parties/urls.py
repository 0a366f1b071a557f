from django.urls import path

from convenant.parties import views

urlpatterns = [
    path("parties/", views.party_list, name="party_list"),
    path("parties/new/", views.party_create, name="party_create"),
    path("parties/<slug:slug>/", views.party_detail, name="party_detail"),
    path("parties/<slug:slug>/edit/", views.party_edit, name="party_edit"),
    path("parties/<slug:slug>/departure/", views.party_departure, name="party_departure"),
    path("parties/<slug:slug>/invite/", views.member_invite, name="member_invite"),
    path("memberships/<int:pk>/", views.membership_edit, name="membership_edit"),
    path("memberships/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<int:pk>/renew/", views.invitation_renew, name="invitation_renew"),
    # The e-mailed link (token in the address) and the page it leads to (token in the session).
    path("invite/", views.invitation_accept, name="invitation_accept"),
    path("invite/<str:token>/", views.invitation_link, name="invitation_link"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
]
