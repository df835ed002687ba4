from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from groups import views

app_name = "groups"

urlpatterns = [
    path("<slug:slug>/", views.country_detail, name="country"),
    path("<slug:country_slug>/<slug:slug>/", views.group_detail, name="detail"),
    path(
        format_lazy("<slug:country_slug>/<slug:slug>/{}", _("activities/")),
        views.group_activities,
        name="activities",
    ),
]
