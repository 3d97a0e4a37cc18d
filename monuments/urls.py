"""Public URLs for the monument register."""

from django.urls import path

from monuments import views

app_name = "monuments"

urlpatterns = [
    path("", views.MonumentListView.as_view(), name="monument_list"),
    path("<slug:slug>/", views.MonumentDetailView.as_view(), name="monument_detail"),
]
