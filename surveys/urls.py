from django.urls import path

from .views import (
    benchmark,
    filling,
    invitations,
    journey,
    league,
    link,
    rollups,
    staff_entry,
    team_settings,
    withdraw,
)

app_name = "surveys"

urlpatterns = [
    path("check-in/", filling.StartView.as_view(), name="start"),
    path("check-in/link/<str:token>/", link.InvitationView.as_view(), name="invitation"),
    path(
        "check-in/<uuid:public_id>/<int:page>/",
        filling.QuestionPageView.as_view(),
        name="fill",
    ),
    path("check-in/<uuid:public_id>/saved/", filling.SavedView.as_view(), name="saved"),
    path("check-in/<uuid:public_id>/check/", filling.CheckAnswersView.as_view(), name="check"),
    path("check-in/<uuid:public_id>/send/", filling.SubmitView.as_view(), name="submit"),
    path("check-in/<uuid:public_id>/sent/", filling.DoneView.as_view(), name="done"),
    path("people/<uuid:public_id>/check-ins/", journey.JourneyView.as_view(), name="journey"),
    path("check-in/<uuid:public_id>/withdraw/", withdraw.WithdrawView.as_view(), name="withdraw"),
    path(
        "people/<uuid:public_id>/check-ins/enter/",
        staff_entry.StaffEntryView.as_view(),
        name="staff_entry",
    ),
    path(
        "people/<uuid:public_id>/check-ins/invite/", invitations.InviteView.as_view(), name="invite"
    ),
    path(
        "check-in-invitations/<uuid:public_id>/",
        invitations.InvitationLinkView.as_view(),
        name="invitation_link",
    ),
    path(
        "caseload/invite-to-check-in/",
        invitations.InviteCaseloadView.as_view(),
        name="invite_caseload",
    ),
    path(
        "teams/<uuid:public_id>/check-in-settings/",
        team_settings.TeamSettingsView.as_view(),
        name="team_settings",
    ),
    path("league/", league.LeagueView.as_view(), name="league"),
    path("league/league-table.csv", league.LeagueCsvView.as_view(), name="league_csv"),
    path("league/teams/<uuid:public_id>/", league.TeamLeagueView.as_view(), name="league_team"),
    path(
        "league/teams/<uuid:public_id>/team-series.csv",
        league.TeamSeriesCsvView.as_view(),
        name="league_team_csv",
    ),
    path("league/other-trusts/", benchmark.BenchmarkView.as_view(), name="benchmark"),
    path(
        "league/other-trusts/benchmark.csv",
        benchmark.BenchmarkCsvView.as_view(),
        name="benchmark_csv",
    ),
    path("league/recompute/", rollups.RecomputeView.as_view(), name="rollup_recompute"),
    path(
        "league/recompute/<uuid:public_id>/",
        rollups.RollupStatusView.as_view(),
        name="rollup_status",
    ),
]
