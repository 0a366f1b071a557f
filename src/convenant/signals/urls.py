from django.urls import path

from convenant.signals import intake, views

urlpatterns = [
    path("signals/", views.signal_list, name="signal_list"),
    path("signals/new/", views.signal_create, name="signal_create"),
    path("signals/export.csv", views.signal_export, name="signal_export"),
    path("signals/inbox/", views.signal_inbox, name="signal_inbox"),
    path("signals/inbox/<int:pk>/read/", views.alert_read, name="signal_alert_read"),
    path("signals/<str:reference>/", views.signal_detail, name="signal_detail"),
    path("signals/<str:reference>/state/", views.signal_transition, name="signal_transition"),
    path("signals/<str:reference>/assign/", views.signal_assign, name="signal_assign"),
    path("signals/<str:reference>/assess/", views.signal_assess, name="signal_assess"),
    path("signals/<str:reference>/link/", views.signal_link, name="signal_link"),
    path(
        "signals/<str:reference>/unlink/<int:issuer_id>/",
        views.signal_unlink,
        name="signal_unlink",
    ),
    path("signals/<str:reference>/merge/", views.signal_merge, name="signal_merge"),
    path("signals/<str:reference>/message/", views.signal_message, name="signal_message"),
    path("signals/<str:reference>/share/", views.signal_share, name="signal_share"),
    path(
        "signals/<str:reference>/files/<int:pk>/",
        views.signal_attachment,
        name="signal_attachment",
    ),
    # The public intake (its paths start with /report/: see middleware.INTAKE_PREFIX).
    path("report/", intake.intake_start, name="signal_intake_start"),
    path("report/<str:lang>/", intake.intake, name="signal_intake"),
    path("report/<str:lang>/follow-up/", intake.follow_up, name="signal_follow_up"),
]
