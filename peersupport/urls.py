from django.urls import path

from . import views

app_name = "peersupport"

urlpatterns = [
    path("workforce/", views.CoverageView.as_view(), name="coverage"),
    path("workforce/training/", views.TrainingView.as_view(), name="training"),
    path(
        "workforce/training/import/",
        views.TrainingImportView.as_view(),
        name="training_import",
    ),
    path(
        "workforce/teams/<uuid:public_id>/posts/new/",
        views.PostCreateView.as_view(),
        name="post_create",
    ),
    path("workforce/posts/<uuid:public_id>/fill/", views.PostFillView.as_view(), name="post_fill"),
    path("workforce/workers/<uuid:public_id>/", views.WorkerView.as_view(), name="worker"),
    path("workforce/rota/", views.RotaTeamsView.as_view(), name="rota"),
    path("workforce/teams/<uuid:public_id>/rota/", views.TeamWeekView.as_view(), name="team_week"),
    path(
        "workforce/teams/<uuid:public_id>/rota/copy/",
        views.WeekCopyView.as_view(),
        name="week_copy",
    ),
    path(
        "workforce/teams/<uuid:public_id>/shifts/new/",
        views.ShiftCreateView.as_view(),
        name="shift_create",
    ),
    path(
        "workforce/shifts/<uuid:public_id>/assign/",
        views.ShiftAssignView.as_view(),
        name="shift_assign",
    ),
    path(
        "workforce/shifts/<uuid:public_id>/unassign/",
        views.ShiftUnassignView.as_view(),
        name="shift_unassign",
    ),
    path(
        "workforce/shifts/<uuid:public_id>/take/", views.ShiftTakeView.as_view(), name="shift_take"
    ),
    path(
        "workforce/workers/<uuid:public_id>/rota/",
        views.WorkerWeekView.as_view(),
        name="worker_week",
    ),
    path("workforce/my-rota/", views.MyRotaView.as_view(), name="my_rota"),
    path("workforce/my-rota/feed-link/", views.FeedLinkView.as_view(), name="feed_link"),
    path("workforce/feed/<str:token>.ics", views.feed, name="feed"),
]
