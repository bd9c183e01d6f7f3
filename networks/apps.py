from django.apps import AppConfig


class NetworksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "networks"
    verbose_name = "Partner networks"

    def ready(self) -> None:
        # The plan page shows each goal's referrals without careplans importing this app: the
        # plan page offers a registry of goal panels, and this app adds its panel to it.
        from careplans.panels import register_goal_panel

        from .views.goal_panel import referrals_panel

        register_goal_panel(referrals_panel)
