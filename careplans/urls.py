from django.urls import path

from .views import agreement, contacts, goals, history, plan

app_name = "careplans"

P = "people/<uuid:public_id>/plan/"

urlpatterns = [
    path("my-plan/", plan.OwnPlanView.as_view(), name="own_plan"),
    path(P, plan.PlanView.as_view(), name="plan"),
    path(f"{P}start/", plan.PlanStartView.as_view(), name="plan_start"),
    path(f"{P}print/", plan.PlanPrintView.as_view(), name="plan_print"),
    path(f"{P}crisis-card/", plan.CrisisCardView.as_view(), name="crisis_card"),
    path(f"{P}parts/<slug:part>/", plan.PartEditView.as_view(), name="part_edit"),
    path(f"{P}goals/add/", goals.GoalAddView.as_view(), name="goal_add"),
    path(f"{P}goals/<uuid:item_id>/", goals.GoalEditView.as_view(), name="goal_edit"),
    path(f"{P}goals/<uuid:item_id>/move/", goals.GoalMoveView.as_view(), name="goal_move"),
    path(f"{P}goals/<uuid:item_id>/steps/add/", goals.StepAddView.as_view(), name="step_add"),
    path(f"{P}steps/<uuid:item_id>/", goals.StepEditView.as_view(), name="step_edit"),
    path(f"{P}steps/<uuid:item_id>/move/", goals.StepMoveView.as_view(), name="step_move"),
    path(f"{P}close/", plan.PlanCloseView.as_view(), name="plan_close"),
    path(f"{P}contacts/add/", contacts.ContactAddView.as_view(), name="contact_add"),
    path(f"{P}contacts/<uuid:item_id>/", contacts.ContactEditView.as_view(), name="contact_edit"),
    path(
        f"{P}contacts/<uuid:item_id>/remove/",
        contacts.ContactRemoveView.as_view(),
        name="contact_remove",
    ),
    path(f"{P}supporters/add/", contacts.SupporterAddView.as_view(), name="supporter_add"),
    path(
        f"{P}supporters/<uuid:item_id>/",
        contacts.SupporterEditView.as_view(),
        name="supporter_edit",
    ),
    path(
        f"{P}supporters/<uuid:item_id>/remove/",
        contacts.SupporterRemoveView.as_view(),
        name="supporter_remove",
    ),
    path(f"{P}comment/", agreement.CommentView.as_view(), name="comment"),
    path(f"{P}share/", agreement.ShareView.as_view(), name="share"),
    path(
        f"{P}comments/<uuid:item_id>/answer/",
        agreement.AnswerView.as_view(),
        name="comment_answer",
    ),
    path(f"{P}agree/", agreement.AgreeView.as_view(), name="agree"),
    path(f"{P}record-agreement/", agreement.RecordAgreementView.as_view(), name="record_agreement"),
    path(f"{P}review/", agreement.ReviewView.as_view(), name="review"),
    path(f"{P}versions/compare/", history.CompareView.as_view(), name="compare"),
    path(f"{P}versions/<int:number>/", history.VersionView.as_view(), name="version"),
]
