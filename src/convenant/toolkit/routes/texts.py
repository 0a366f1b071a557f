"""URLs of toolkit: model texts and their versions in Dutch and English (draft, consultation with
the parties' comments, adopted by the steering group's decision on a release, superseded), the
word-level diff between versions (also as PDF), the public toolkit page and each text as DOCX
and PDF."""

from django.urls import URLPattern, path

from convenant.toolkit.views import texts as views

V = "toolkit/texts/<slug:identifier>/v<int:number>/"

urlpatterns: list[URLPattern] = [
    path("toolkit/", views.toolkit_index, name="toolkit_index"),
    path("toolkit/texts/new/", views.text_create, name="toolkit_text_create"),
    path("toolkit/texts/<slug:identifier>/", views.text_detail, name="toolkit_text"),
    path(
        "toolkit/texts/<slug:identifier>/new-version/",
        views.version_new,
        name="toolkit_version_new",
    ),
    path("toolkit/texts/<slug:identifier>/diff/", views.text_diff, name="toolkit_diff"),
    path("toolkit/texts/<slug:identifier>/diff.pdf", views.text_diff_pdf, name="toolkit_diff_pdf"),
    path(V, views.version_detail, name="toolkit_version"),
    path(V + "edit/", views.version_edit, name="toolkit_version_edit"),
    path(V + "consultation/", views.version_consultation, name="toolkit_version_consultation"),
    path(V + "draft/", views.version_back_to_draft, name="toolkit_version_draft"),
    path(V + "comments/", views.version_comment, name="toolkit_version_comment"),
    path(V + "download.docx", views.version_docx, name="toolkit_version_docx"),
    path(V + "download.pdf", views.version_pdf, name="toolkit_version_pdf"),
    path("toolkit/releases/new/", views.release_create, name="toolkit_release_create"),
    path("toolkit/releases/<str:label>/", views.release_detail, name="toolkit_release"),
    path(
        "toolkit/releases/<str:label>/versions/",
        views.release_add_version,
        name="toolkit_release_add",
    ),
    path(
        "toolkit/releases/<str:label>/propose/",
        views.release_propose,
        name="toolkit_release_propose",
    ),
]
