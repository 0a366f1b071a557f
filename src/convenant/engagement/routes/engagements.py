"""URLs of engagement's engagements: the list, an engagement's page and a form per action."""

from django.urls import URLPattern, path

from convenant.engagement.views import engagements as views

urlpatterns: list[URLPattern] = [
    path("engagement/", views.engagement_list, name="engagement_list"),
    path("engagement/new/", views.engagement_add, name="engagement_add"),
    path("engagement/<int:pk>/", views.engagement_detail, name="engagement_detail"),
    path("engagement/<int:pk>/close/", views.engagement_close, name="engagement_close"),
    path("engagement/<int:pk>/reopen/", views.engagement_reopen, name="engagement_reopen"),
    path("engagement/<int:pk>/objectives/new/", views.objective_add, name="objective_add"),
    path("engagement/<int:pk>/activities/new/", views.activity_add, name="activity_add"),
    path("engagement/<int:pk>/parties/new/", views.participant_add, name="participant_add"),
    path("engagement/<int:pk>/risks/new/", views.risk_link, name="engagement_risk_link"),
    path("engagement/<int:pk>/signals/new/", views.signal_link, name="engagement_signal_link"),
    path("engagement/parties/<int:pk>/end/", views.participant_end, name="participant_end"),
    path("engagement/objectives/<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path(
        "engagement/objectives/<int:pk>/outcome/",
        views.objective_outcome,
        name="objective_outcome",
    ),
    path("engagement/milestones/<int:pk>/target/", views.milestone_target, name="milestone_target"),
    path("engagement/milestones/<int:pk>/reached/", views.milestone_reach, name="milestone_reach"),
    path("engagement/activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("engagement/activities/<int:pk>/note/", views.activity_note, name="activity_note"),
    path(
        "engagement/activities/<int:pk>/documents/new/",
        views.activity_attach,
        name="activity_attach",
    ),
    path(
        "engagement/documents/<int:pk>/",
        views.activity_attachment,
        name="activity_attachment",
    ),
]
