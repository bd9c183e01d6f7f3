from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.staticfiles import apps as staticfiles_apps


class RecoverySiteConfig(AppConfig):
    name = "recovery_site"
    verbose_name = "recovery-care"
    default = True

    def ready(self) -> None:
        from .admin import lock_unscoped_admin

        lock_unscoped_admin()


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin with our site class: open to a trust's administrators, scoped to it."""

    default = False
    default_site = "recovery_site.admin.RecoveryAdminSite"


class StaticFilesConfig(staticfiles_apps.StaticFilesConfig):
    """Collect only what pages load from nhsuk-frontend's dist, not its 19 MB of sources.

    Django matches these against file and folder names, not against paths under the "nhsuk"
    prefix, so they name the package's source folders and top-level modules directly. Our own
    `js/app.js` must stay collected: a page that names a file missing from the manifest fails.
    """

    default = False
    ignore_patterns = [
        *staticfiles_apps.StaticFilesConfig.ignore_patterns,
        "scss",
        "components",
        "lib",
        "core",
        "common",
        "macros",
        "errors",
        "*.scss",
        "*.scss.map",
        "*.d.mts",
        "*.d.mts.map",
        "*.njk",
        "component.*",
        "configurable-component.*",
        "i18n.*",
        "index.*",
        "nhsuk.*",
    ]
