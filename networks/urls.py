from django.urls import path

from .views import dashboard, directory, referrals

app_name = "networks"

GOAL = "people/<uuid:public_id>/plan/goals/<uuid:item_id>/refer/"

urlpatterns = [
    path("networks/", directory.NetworkListView.as_view(), name="networks"),
    path("networks/dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("networks/<uuid:public_id>/", directory.NetworkView.as_view(), name="network"),
    path(
        "networks/<uuid:public_id>/meetings/add/",
        directory.MeetingAddView.as_view(),
        name="meeting_add",
    ),
    path("partners/", directory.PartnerListView.as_view(), name="partners"),
    path("partners/<uuid:public_id>/", directory.PartnerView.as_view(), name="partner"),
    path("opportunities/", directory.OpportunityListView.as_view(), name="opportunities"),
    path(
        "opportunities/<uuid:public_id>/",
        directory.OpportunityView.as_view(),
        name="opportunity",
    ),
    path(
        "opportunities/<uuid:public_id>/change/",
        directory.OpportunityEditView.as_view(),
        name="opportunity_edit",
    ),
    path(GOAL, referrals.ReferralFindView.as_view(), name="referral_find"),
    path(
        f"{GOAL}<uuid:opportunity_id>/",
        referrals.ReferralAddView.as_view(),
        name="referral_add",
    ),
    path("referrals/<uuid:public_id>/", referrals.ReferralView.as_view(), name="referral"),
    path("partner/", referrals.PartnerHomeView.as_view(), name="partner_home"),
]
