from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpermapConfig(AppConfig):
    name = "lotse.helpermap"
    label = "helpermap"
    verbose_name = _("Helper map")
