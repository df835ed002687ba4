from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from documents import feeds, views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("feed/", feeds.LatestDocumentsFeed(), name="feed"),
    path("<slug:slug>/", views.document_detail, name="detail"),
    path(
        format_lazy("<slug:slug>/{}<slug:language>/", _("download/")),
        views.document_download,
        name="download",
    ),
]
