from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("people/add/", views.ServiceUserCreateView.as_view(), name="service_user_add"),
    path("teams/", views.TeamListView.as_view(), name="teams"),
    path("staff/", views.StaffListView.as_view(), name="staff"),
]
