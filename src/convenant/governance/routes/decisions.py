"""URLs of governance's decisions (see views/decisions.py): a body's proposals, a proposal's
page and its forms, proxies, and the public decision log with its exports."""

from django.urls import URLPattern, path

from convenant.governance.views import decisions as views

urlpatterns: list[URLPattern] = [
    path("governance/bodies/<slug:slug>/proposals/", views.proposal_list, name="proposal_list"),
    path(
        "governance/bodies/<slug:slug>/proposals/new/",
        views.proposal_create,
        name="proposal_create",
    ),
    path("governance/proposals/<int:number>/", views.proposal_detail, name="proposal_detail"),
    path("governance/proposals/<int:number>/vote/", views.proposal_vote, name="proposal_vote"),
    path("governance/proposals/<int:number>/amend/", views.proposal_amend, name="proposal_amend"),
    path(
        "governance/proposals/<int:number>/withdraw/",
        views.proposal_withdraw,
        name="proposal_withdraw",
    ),
    path("governance/proposals/<int:number>/close/", views.proposal_close, name="proposal_close"),
    path(
        "governance/proposals/<int:number>/outcome/",
        views.proposal_outcome,
        name="proposal_outcome",
    ),
    path(
        "governance/proposals/<int:number>/attachments/",
        views.proposal_attach,
        name="proposal_attach",
    ),
    path("governance/attachments/<int:pk>/", views.proposal_attachment, name="proposal_attachment"),
    path("governance/proposals/<int:number>/proxies/", views.proxy_grant, name="proxy_grant"),
    path("governance/proxies/<int:pk>/revoke/", views.proxy_revoke, name="proxy_revoke"),
    path("decisions/", views.decision_log, name="decision_log"),
    path("decisions/export.csv", views.decision_log_csv, name="decision_log_csv"),
    path("decisions/export.pdf", views.decision_log_pdf, name="decision_log_pdf"),
    path("decisions/<int:number>/", views.decision_detail, name="decision_detail"),
    path("decisions/<int:number>/correct/", views.decision_correct, name="decision_correct"),
    path("decisions/<int:number>/apply/", views.decision_apply, name="decision_apply"),
]
