from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoolsConfig(AppConfig):
    name = "lotse.pools"
    label = "pools"
    verbose_name = _("Interpreter and volunteer pools")
