from django.db import models


class SubmissionClaim(models.Model):
    """A submission that must take effect once: a form's one-time token (``{% form_guard %}``) or, as
    ``api:<digest>``, an API token's ``Idempotency-Key``.

    The unique constraint is the guard: of two submissions with the same token, only one claim succeeds
    (``lotse.core.services.submission_claim``). Claims older than ``SUBMISSION_WINDOW`` expire and are purged.
    """

    token = models.CharField(max_length=80, unique=True)
    claimed_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.token
