from django.urls import path

from carewatch.web.scrutiny import views

urlpatterns = [
    path("", views.meetings, name="scrutiny"),
    path("due/", views.due, name="scrutiny_due"),
    path("meetings/new/", views.meeting_new, name="scrutiny_meeting_new"),
    path("meetings/<int:pk>/", views.meeting, name="scrutiny_meeting"),
    path("meetings/<int:pk>/recommendations/new/", views.recommendation_new, name="scrutiny_recommendation_new"),
    path("meetings/<int:pk>/letter/", views.letter, name="scrutiny_letter"),
    path("meetings/<int:pk>/letter.pdf", views.letter_pdf, name="scrutiny_letter_pdf"),
    path("meetings/<int:pk>/response-letter/", views.response_letter, name="scrutiny_response_letter"),
    path("meetings/<int:pk>/response-letter.pdf", views.response_letter_pdf, name="scrutiny_response_letter_pdf"),
    path("recommendations/<int:pk>/", views.recommendation, name="scrutiny_recommendation"),
    path("recommendations/<int:pk>/edit/", views.recommendation_edit, name="scrutiny_recommendation_edit"),
    path("recommendations/<int:pk>/respond/", views.respond, name="scrutiny_respond"),
]
