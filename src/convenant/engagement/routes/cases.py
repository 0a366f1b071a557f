"""URLs of the deep track: the deep-track case board by step, a case's overview with its
collaboration plan, its group's people and roles, the steps and their exit criteria, the
leverage (step B: linked engagements and the leverage map) and the timeline."""

from django.urls import URLPattern, path

from convenant.engagement.views import cases as views

urlpatterns: list[URLPattern] = [
    path("cases/", views.case_board, name="case_board"),
    path("cases/<slug:reference>/", views.case_detail, name="case_detail"),
    path("cases/<slug:reference>/people/new/", views.case_member_add, name="case_member_add"),
    path(
        "cases/<slug:reference>/people/<int:pk>/end/",
        views.case_member_end,
        name="case_member_end",
    ),
    path("cases/<slug:reference>/plan/", views.case_plan, name="case_plan"),
    path("cases/<slug:reference>/plan/agree/", views.case_plan_agree, name="case_plan_agree"),
    path(
        "cases/<slug:reference>/plan/milestones/new/",
        views.case_milestone_add,
        name="case_milestone_add",
    ),
    path(
        "cases/<slug:reference>/plan/milestones/<int:pk>/",
        views.case_milestone_edit,
        name="case_milestone_edit",
    ),
    path("cases/<slug:reference>/publishable/", views.case_publishable, name="case_publishable"),
    path("cases/<slug:reference>/step/", views.case_move, name="case_move"),
    path("cases/<slug:reference>/leverage/", views.case_leverage, name="case_leverage"),
    path(
        "cases/<slug:reference>/leverage/link/",
        views.case_link_engagement,
        name="case_link_engagement",
    ),
    path(
        "cases/<slug:reference>/leverage/new/",
        views.case_start_engagement,
        name="case_start_engagement",
    ),
    path("cases/<slug:reference>/timeline/", views.case_timeline, name="case_timeline"),
]
