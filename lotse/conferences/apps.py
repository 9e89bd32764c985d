from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferencesConfig(AppConfig):
    name = "lotse.conferences"
    label = "conferences"
    verbose_name = _("Case conferences")

    def ready(self):
        from lotse.conferences.services import erase_participations
        from lotse.privacy.services import ERASURE_HANDLERS

        if erase_participations not in ERASURE_HANDLERS:
            ERASURE_HANDLERS.append(erase_participations)
