"""Administrators cannot give themselves clinical access through the admin site, and every role
they grant to anyone is recorded in the access audit with who granted it."""

import datetime

import pytest
from django.db.models import Model
from django.urls import reverse

from directory.models import AccessEvent, Membership, ServiceUser, TrustRoleGrant

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today().isoformat()


def _as_posted(value):
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _form_data(response) -> dict:
    """What the browser would send back unchanged from an admin change page."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form.initial.get(name)
        if name == "password" or value is None or value is False:
            continue
        data[name] = "on" if value is True else _as_posted(value)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for row in formset.initial_forms:
            for name in row.fields:
                value = row.instance.pk if name == "id" else row.initial.get(name)
                if value is not None:
                    data[f"{row.prefix}-{name}"] = _as_posted(value)
                    if row.fields[name].show_hidden_initial:  # a callable default's hidden copy
                        data[f"initial-{row.prefix}-{name}"] = _as_posted(value)
    return data


def _with_new_role(data: dict, prefix: str, **fields) -> dict:
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = index + 1
    data.update({f"{prefix}-{index}-{k}": v for k, v in fields.items()})
    data[f"{prefix}-{index}-started_on"] = TODAY
    return data


def test_an_administrator_cannot_grant_themselves_a_team_role(world, client_for):
    admin_user = world.user("administrator")
    client = client_for(admin_user)
    url = reverse("admin:directory_user_change", args=[admin_user.pk])
    data = _with_new_role(
        _form_data(client.get(url)), "memberships", team=world.team.pk, role="care_coordinator"
    )

    client.post(url, data)

    assert not Membership.objects.filter(user=admin_user).exists()


def test_an_administrator_cannot_grant_themselves_a_trust_role(world, client_for):
    admin_user = world.user("administrator")
    client = client_for(admin_user)
    url = reverse("admin:directory_user_change", args=[admin_user.pk])
    data = _with_new_role(
        _form_data(client.get(url)), "trust_roles", trust=world.trust.pk, role="qa_manager"
    )

    client.post(url, data)

    assert not TrustRoleGrant.objects.filter(user=admin_user, role="qa_manager").exists()


def test_granting_a_clinical_role_is_recorded_with_who_granted_it(world, client_for):
    admin_user = world.user("administrator")
    colleague = world.user("hr")
    client = client_for(admin_user)
    url = reverse("admin:directory_user_change", args=[colleague.pk])
    data = _with_new_role(
        _form_data(client.get(url)), "memberships", team=world.team.pk, role="care_coordinator"
    )

    response = client.post(url, data)

    assert response.status_code == 302
    assert Membership.objects.filter(user=colleague, role="care_coordinator").exists()
    event = AccessEvent.objects.get(staff_member=colleague)
    assert event.actor == admin_user
    assert event.service_user is None
    assert event.action == "create"
    assert "Care coordinator" in event.resource and world.team.name in event.resource


def test_an_administrator_cannot_set_their_own_password_without_the_old_one(world, client_for):
    admin_user = world.user("administrator")
    client = client_for(admin_user)
    url = reverse("admin:auth_user_password_change", args=[admin_user.pk])

    response = client.post(
        url, {"password1": "a-new-long-password", "password2": "a-new-long-password"}
    )

    assert response.status_code == 403
    admin_user.refresh_from_db()
    assert not admin_user.check_password("a-new-long-password")


def test_an_administrator_cannot_set_a_clinicians_password(world, client_for):
    clinician = world.user("care_coordinator")
    client = client_for(world.user("administrator"))
    url = reverse("admin:auth_user_password_change", args=[clinician.pk])

    response = client.post(
        url, {"password1": "a-new-long-password", "password2": "a-new-long-password"}
    )

    assert response.status_code == 403
    clinician.refresh_from_db()
    assert not clinician.check_password("a-new-long-password")


def test_an_administrator_cannot_link_a_persons_record_to_their_own_login(world, client_for):
    admin_user = world.user("administrator")
    person = world.teammate_person
    client = client_for(admin_user)
    url = reverse("admin:directory_serviceuser_change", args=[person.pk])
    data = _form_data(client.get(url))
    data["user"] = admin_user.pk

    client.post(url, data)

    assert ServiceUser.objects.get(pk=person.pk).user_id != admin_user.pk


def test_the_admin_password_page_still_changes_ones_own_password_with_the_old_one(
    world, client_for
):
    admin_user = world.user("administrator")
    admin_user.set_password("the-old-long-password")
    admin_user.save()
    client = client_for(admin_user)

    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": "the-old-long-password",
            "new_password1": "a-new-long-password",
            "new_password2": "a-new-long-password",
        },
    )

    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.check_password("a-new-long-password")
