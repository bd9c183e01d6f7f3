from django.contrib import admin
from django.http import HttpRequest

from directory.permissions import may_use_admin_site


class RecoveryAdminSite(admin.AdminSite):
    """The admin site, open to the trust's administrators (each sees only their trust)."""

    site_header = "recovery-care administration"
    site_title = "recovery-care administration"
    index_title = "Trust administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and may_use_admin_site(request.user))


def lock_unscoped_admin() -> None:
    """Roles are our own models, so Django's groups have no use here."""
    from django.contrib.auth.models import Group

    if admin.site.is_registered(Group):
        admin.site.unregister(Group)
    # Authenticator devices are not edited in the admin site: an administrator who could add a
    # device to a colleague's login would hold their second factor. `manage.py
    # reset_authenticator` clears a lost one, and the person sets up a new one at sign-in.
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
