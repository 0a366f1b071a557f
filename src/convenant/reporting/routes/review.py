"""URLs of reporting: the monitoring committee's workspace: each submitted submission with its
evidence, questions threaded per question, scores confirmed or corrected, acceptance, reopening
and corrections, findings and recommendations."""

from django.urls import URLPattern, path

from convenant.reporting.views import review as views

P = "reporting/review/"
SUB = P + "submissions/<int:pk>/"

urlpatterns: list[URLPattern] = [
    path(P, views.review_home, name="reporting_review_home"),
    path(SUB, views.submission_review, name="reporting_review_submission"),
    path(SUB + "questions/", views.party_threads, name="reporting_review_party_threads"),
    path(SUB + "start/", views.start, name="reporting_review_start"),
    path(SUB + "ask/", views.ask, name="reporting_review_ask"),
    path(SUB + "send/", views.send, name="reporting_review_send"),
    path(SUB + "accept/", views.accept, name="reporting_review_accept"),
    path(SUB + "confirm/", views.confirm_all, name="reporting_review_confirm_all"),
    path(SUB + "exclude/", views.exclude, name="reporting_review_exclude"),
    path(SUB + "include/", views.include, name="reporting_review_include"),
    path(SUB + "reopen/", views.reopen, name="reporting_review_reopen"),
    path(SUB + "correct/", views.correct, name="reporting_review_correct"),
    path(P + "scores/<int:pk>/", views.score, name="reporting_review_score"),
    path(P + "threads/<int:pk>/answer/", views.thread_answer, name="reporting_review_answer"),
    path(P + "threads/<int:pk>/reply/", views.thread_reply, name="reporting_review_reply"),
    path(P + "threads/<int:pk>/resolve/", views.thread_resolve, name="reporting_review_resolve"),
    path(P + "evidence/<int:pk>/", views.evidence_file, name="reporting_review_evidence"),
    path(P + "findings/<int:pk>/", views.finding_edit, name="reporting_review_finding_edit"),
    path(P + "findings/<int:pk>/move/", views.finding_move, name="reporting_review_finding_move"),
    path(
        P + "findings/<int:pk>/delete/",
        views.finding_delete,
        name="reporting_review_finding_delete",
    ),
    path(P + "<slug:label>/", views.workspace, name="reporting_review_workspace"),
    path(P + "<slug:label>/findings/", views.findings, name="reporting_review_findings"),
]
