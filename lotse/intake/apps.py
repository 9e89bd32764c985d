from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "lotse.intake"
    label = "intake"
    verbose_name = _("First contacts and eligibility")

    def ready(self):
        from lotse.intake import rules  # noqa: F401  (registers the access rules)
