from django.urls import path

from contacts import views

app_name = "contacts"

urlpatterns = [
    path("", views.contact_list, name="list"),
    path("<int:pk>/email/<int:index>/", views.email_redirect, name="email"),
]
