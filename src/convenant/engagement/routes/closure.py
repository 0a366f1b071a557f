"""URLs of the deep track: a case's yearly lessons at three levels, a lesson put to the steering
group as a recommendation for the toolkit, and the case's closure (outcome, rationale, lessons)
reported to the monitoring committee and the steering group."""

from django.urls import URLPattern, path

from convenant.engagement.views import closure as views

urlpatterns: list[URLPattern] = [
    path("cases/<slug:reference>/lessons/", views.case_lessons, name="case_lessons"),
    path("cases/<slug:reference>/lessons/new/", views.case_lesson_add, name="case_lesson_add"),
    path(
        "cases/<slug:reference>/lessons/<int:pk>/recommend/",
        views.case_lesson_recommend,
        name="case_lesson_recommend",
    ),
    path("cases/<slug:reference>/close/", views.case_close, name="case_close"),
]
