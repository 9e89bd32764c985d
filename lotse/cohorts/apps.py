from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    name = "lotse.cohorts"
    label = "cohorts"
    verbose_name = _("Target groups (cohorts)")
