from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "lotse.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from lotse.cases.services import erase_closed_cases
        from lotse.privacy.services import ERASURE_HANDLERS

        if erase_closed_cases not in ERASURE_HANDLERS:
            ERASURE_HANDLERS.append(erase_closed_cases)
