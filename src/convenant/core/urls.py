from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.i18n import set_language

from convenant.core import audit_views, health, job_views, privacy_views, views
from convenant.core.forms import (
    AuditedPasswordChangeForm,
    AuditedSetPasswordForm,
    QueuedPasswordResetForm,
)
from convenant.core.two_factor import views as two_factor_views

urlpatterns = [
    path("", views.home, name="home"),
    # Answered by core.health.HealthMiddleware first; here for reverse() and the URL list.
    path("healthz", health.liveness, name="healthz"),
    path("readyz", health.readiness, name="readyz"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("search/", views.search, name="search"),
    path("account/", views.account, name="account"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("account/two-factor/", two_factor_views.verify, name="two_factor_verify"),
    path("account/two-factor/set-up/", two_factor_views.enrol, name="two_factor_enrol"),
    path("account/two-factor/codes/", two_factor_views.recovery_codes, name="two_factor_codes"),
    path("account/two-factor/off/", two_factor_views.turn_off, name="two_factor_turn_off"),
    path("people/<int:pk>/two-factor/reset/", two_factor_views.reset, name="two_factor_reset"),
    path("people/<int:pk>/tokens/", views.person_tokens, name="person_tokens"),
    path("audit/", audit_views.audit_log, name="audit_log"),
    path("audit/export/", audit_views.audit_export, name="audit_export"),
    path("account/data/", privacy_views.account_data_export, name="account_data_export"),
    path("people/<int:pk>/data/", privacy_views.person_data_export, name="person_data_export"),
    path("people/<int:pk>/erase/", privacy_views.person_erase, name="person_erase"),
    path("jobs/", job_views.job_list, name="job_list"),
    path("jobs/<int:pk>/", job_views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/cancel/", job_views.job_cancel, name="job_cancel"),
    path("jobs/<int:pk>/retry/", job_views.job_retry, name="job_retry"),
    path("i18n/setlang/", set_language, name="set_language"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=views.LoginForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(form_class=AuditedPasswordChangeForm),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            html_email_template_name=None, form_class=QueuedPasswordResetForm
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=AuditedSetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
