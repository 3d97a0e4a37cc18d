"""Public URLs for meetings, events, people, organizations and topics, the meeting exports and the feed."""

from django.urls import path

from meetings import exports, views
from meetings.calendar import meeting_calendar
from meetings.feeds import meeting_feed
from meetings.popolo import export_popolo

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/export.csv", exports.export_csv, name="export_csv"),
    path("meetings/export.json", exports.export_json, name="export_json"),
    path("meetings/calendar.ics", meeting_calendar, name="meeting_calendar"),
    path("meetings/export.popolo.json", export_popolo, name="export_popolo"),
    path("meetings/network/", views.MeetingNetworkView.as_view(), name="meeting_network"),
    path("meetings/<slug:slug>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("organizations/<slug:slug>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("feeds/meetings/", meeting_feed, name="meeting_feed"),
]
