"""Public URLs for meetings, events, people, organizations and topics."""

from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/<slug:slug>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("organizations/<slug:slug>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
]
