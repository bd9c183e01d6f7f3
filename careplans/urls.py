from django.urls import path

from . import views

app_name = "careplans"

P = "people/<uuid:public_id>/plan/"

urlpatterns = [
    path("my-plan/", views.OwnPlanView.as_view(), name="own_plan"),
    path(P, views.PlanView.as_view(), name="plan"),
    path(f"{P}start/", views.PlanStartView.as_view(), name="plan_start"),
    path(f"{P}print/", views.PlanPrintView.as_view(), name="plan_print"),
    path(f"{P}parts/<slug:part>/", views.PartEditView.as_view(), name="part_edit"),
    path(f"{P}goals/add/", views.GoalAddView.as_view(), name="goal_add"),
    path(f"{P}goals/<uuid:item_id>/", views.GoalEditView.as_view(), name="goal_edit"),
    path(f"{P}goals/<uuid:item_id>/move/", views.GoalMoveView.as_view(), name="goal_move"),
    path(f"{P}goals/<uuid:item_id>/steps/add/", views.StepAddView.as_view(), name="step_add"),
    path(f"{P}steps/<uuid:item_id>/", views.StepEditView.as_view(), name="step_edit"),
    path(f"{P}steps/<uuid:item_id>/move/", views.StepMoveView.as_view(), name="step_move"),
    path(f"{P}close/", views.PlanCloseView.as_view(), name="plan_close"),
    path(f"{P}contacts/add/", views.ContactAddView.as_view(), name="contact_add"),
    path(f"{P}contacts/<uuid:item_id>/", views.ContactEditView.as_view(), name="contact_edit"),
    path(
        f"{P}contacts/<uuid:item_id>/remove/",
        views.ContactRemoveView.as_view(),
        name="contact_remove",
    ),
    path(f"{P}supporters/add/", views.SupporterAddView.as_view(), name="supporter_add"),
    path(
        f"{P}supporters/<uuid:item_id>/", views.SupporterEditView.as_view(), name="supporter_edit"
    ),
    path(
        f"{P}supporters/<uuid:item_id>/remove/",
        views.SupporterRemoveView.as_view(),
        name="supporter_remove",
    ),
    path(f"{P}comment/", views.CommentView.as_view(), name="comment"),
    path(f"{P}agree/", views.AgreeView.as_view(), name="agree"),
    path(f"{P}record-agreement/", views.RecordAgreementView.as_view(), name="record_agreement"),
    path(f"{P}review/", views.ReviewView.as_view(), name="review"),
    path(f"{P}versions/compare/", views.CompareView.as_view(), name="compare"),
    path(f"{P}versions/<int:number>/", views.VersionView.as_view(), name="version"),
]
