from django.db import models


class FormSubmission(models.Model):
    """A one-time form token (``{% form_guard %}``) claimed by the POST that sent it.

    The unique constraint is the guard: of two submissions of the same form, only one INSERT succeeds
    (see ``lotse.core.middleware.FormGuardMiddleware``). Rows older than ``FORM_TOKEN_RETENTION`` are purged.
    """

    token = models.CharField(max_length=64, unique=True)
    claimed_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.token
