from django.urls import path

from carewatch.web.panels import views

urlpatterns = [
    path("", views.meetings, name="panels"),
    path("meetings/new/", views.meeting_new, name="panel_meeting_new"),
    path("meetings/<int:pk>/", views.meeting, name="panel_meeting"),
    path("meetings/<int:pk>/agenda.pdf", views.agenda_pdf, name="panel_agenda_pdf"),
    path("meetings/<int:pk>/minutes.pdf", views.minutes_pdf, name="panel_minutes_pdf"),
    path("items/<int:pk>/decision/", views.decision, name="panel_decision"),
]
