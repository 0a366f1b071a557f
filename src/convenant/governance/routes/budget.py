"""URLs of governance's budget, external communication and annual covenant meeting (see
views/budget.py)."""

from django.urls import URLPattern, path

from convenant.governance.views import budget as views

urlpatterns: list[URLPattern] = [
    path("governance/budget/", views.budget, name="budget"),
    path(
        "governance/budget/<int:year>.<str:file_format>",
        views.budget_export,
        name="budget_export",
    ),
    path("governance/budget/lines/new/", views.budget_line_form, name="budget_line_add"),
    path("governance/budget/lines/<int:pk>/edit/", views.budget_line_form, name="budget_line_edit"),
    path(
        "governance/budget/lines/<int:pk>/spending/new/",
        views.spending_form,
        name="budget_spending_add",
    ),
    path(
        "governance/budget/contributions/new/",
        views.contribution_form,
        name="budget_contribution_add",
    ),
    path(
        "governance/budget/contributions/<int:pk>/edit/",
        views.contribution_form,
        name="budget_contribution_edit",
    ),
    path("governance/communication/", views.communication, name="communication"),
    path(
        "governance/communication/agreements/new/",
        views.agreement_form,
        name="communication_agreement_add",
    ),
    path(
        "governance/communication/agreements/<int:pk>/edit/",
        views.agreement_form,
        name="communication_agreement_edit",
    ),
    path(
        "governance/communication/statements/new/",
        views.statement_form,
        name="communication_statement_add",
    ),
    path(
        "governance/communication/statements/<int:pk>/edit/",
        views.statement_form,
        name="communication_statement_edit",
    ),
    path(
        "governance/communication/statements/<int:pk>/publish/",
        views.statement_publish,
        name="communication_statement_publish",
    ),
    path("governance/annual/", views.annual_index, name="annual_index"),
    path(
        "governance/annual/<int:year>/invitation/",
        views.annual_invitation,
        name="annual_invitation",
    ),
    path("governance/annual/<int:year>/pack/", views.annual_pack, name="annual_pack"),
    path("governance/annual/<int:year>/pack.pdf", views.annual_pack_pdf, name="annual_pack_pdf"),
]
