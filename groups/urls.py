from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("<slug:slug>/", views.country_detail, name="country"),
    path("<slug:country_slug>/<slug:slug>/", views.group_detail, name="detail"),
]
