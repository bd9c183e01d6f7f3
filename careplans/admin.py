"""A trust's administrators set how often its plans are reviewed. Plans themselves are
clinical records and are not in the admin: administrators do not read them."""

from django.contrib import admin

from directory.admin import TrustScopedAdmin

from .models import TrustPlanSettings


@admin.register(TrustPlanSettings)
class TrustPlanSettingsAdmin(TrustScopedAdmin):
    list_display = ["trust", "review_interval_months"]
