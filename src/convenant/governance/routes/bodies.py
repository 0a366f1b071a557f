"""URLs of governance's bodies, meetings, action items and calendar (see views/bodies.py)."""

from django.urls import URLPattern, path

from convenant.governance.views import bodies as views

urlpatterns: list[URLPattern] = [
    path("governance/bodies/", views.body_list, name="body_list"),
    path("governance/bodies/new/", views.body_create, name="body_create"),
    path("governance/bodies/<slug:slug>/", views.body_detail, name="body_detail"),
    path("governance/bodies/<slug:slug>/seats/", views.body_seat_add, name="body_seat_add"),
    path(
        "governance/bodies/<slug:slug>/members/",
        views.body_membership_add,
        name="body_membership_add",
    ),
    path("governance/bodies/<slug:slug>/meetings/", views.meeting_create, name="meeting_create"),
    path("governance/bodies/<slug:slug>/actions/", views.action_create, name="action_create"),
    path("governance/seats/<int:pk>/assign/", views.seat_assign, name="seat_assign"),
    path(
        "governance/assignments/<int:pk>/end/",
        views.seat_assignment_end,
        name="seat_assignment_end",
    ),
    path(
        "governance/memberships/<int:pk>/end/",
        views.body_membership_end,
        name="body_membership_end",
    ),
    path("governance/meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("governance/meetings/<int:pk>/state/", views.meeting_advance, name="meeting_advance"),
    path("governance/meetings/<int:pk>/items/", views.agenda_item_add, name="agenda_item_add"),
    path(
        "governance/meetings/<int:pk>/attendance/",
        views.attendance_record,
        name="attendance_record",
    ),
    path("governance/meetings/<int:pk>/minutes/", views.minutes_save, name="minutes_save"),
    path("governance/meetings/<int:pk>/minutes/send/", views.minutes_send, name="minutes_send"),
    path(
        "governance/meetings/<int:pk>/amendments/",
        views.amendment_propose,
        name="amendment_propose",
    ),
    path("governance/amendments/<int:pk>/answer/", views.amendment_answer, name="amendment_answer"),
    path(
        "governance/items/<int:pk>/documents/",
        views.agenda_document_add,
        name="agenda_document_add",
    ),
    path("governance/items/<int:pk>/outcome/", views.agenda_outcome, name="agenda_outcome"),
    path("governance/documents/<int:pk>/", views.agenda_document, name="agenda_document"),
    path("governance/actions/", views.action_list, name="action_list"),
    path("governance/actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("governance/calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
