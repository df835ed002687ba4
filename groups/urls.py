from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("", views.home, name="home"),
    path("countries/<slug:slug>/", views.country_detail, name="country"),
    path("countries/<slug:country_slug>/<slug:slug>/", views.group_detail, name="detail"),
]
