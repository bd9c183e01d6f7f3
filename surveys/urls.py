from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("check-in/", views.StartView.as_view(), name="start"),
    path("check-in/link/<str:token>/", views.InvitationView.as_view(), name="invitation"),
    path(
        "check-in/<uuid:public_id>/<int:page>/",
        views.QuestionPageView.as_view(),
        name="fill",
    ),
    path("check-in/<uuid:public_id>/saved/", views.SavedView.as_view(), name="saved"),
    path("check-in/<uuid:public_id>/check/", views.CheckAnswersView.as_view(), name="check"),
    path("check-in/<uuid:public_id>/send/", views.SubmitView.as_view(), name="submit"),
    path("check-in/<uuid:public_id>/sent/", views.DoneView.as_view(), name="done"),
    path("people/<uuid:public_id>/check-ins/", views.JourneyView.as_view(), name="journey"),
    path(
        "people/<uuid:public_id>/check-ins/enter/",
        views.StaffEntryView.as_view(),
        name="staff_entry",
    ),
    path("people/<uuid:public_id>/check-ins/invite/", views.InviteView.as_view(), name="invite"),
    path(
        "check-in-invitations/<uuid:public_id>/",
        views.InvitationLinkView.as_view(),
        name="invitation_link",
    ),
    path(
        "caseload/invite-to-check-in/",
        views.InviteCaseloadView.as_view(),
        name="invite_caseload",
    ),
    path(
        "teams/<uuid:public_id>/check-in-settings/",
        views.TeamSettingsView.as_view(),
        name="team_settings",
    ),
]
