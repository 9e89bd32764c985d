from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerreportsConfig(AppConfig):
    name = "lotse.partnerreports"
    label = "partnerreports"
    verbose_name = _("Partner reports")
