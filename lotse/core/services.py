"""Submissions that take effect once: a form sent twice, an API POST repeated with its ``Idempotency-Key``.

Both claim a token before the operation runs and release it when the operation stored nothing (a 4xx or 5xx
answer), so the same submission may be sent again. A claim is one statement committed at once (autocommit, the
operation's transaction has not begun): of two concurrent submissions the database lets exactly one through,
and no lock is held while the operation runs.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from lotse.core.models import SubmissionClaim

# Sessions end after 12 hours at most, so a form older than a day can no longer be sent anyway; the API
# promises to refuse a repeated key for 24 hours.
SUBMISSION_WINDOW = timedelta(days=1)
PURGE_ONE_IN = 100


def api_submission_token(*, token_prefix: str, key: str) -> str:
    """The claim of an API token's ``Idempotency-Key``: a digest (keys are up to 200 characters), prefixed
    ``api:``, which no form token contains."""
    return "api:" + hashlib.sha256(f"{token_prefix}\n{key}".encode()).hexdigest()


def submission_claim(*, token: str, now: datetime | None = None) -> bool:
    """True if this call claimed ``token``; False if it was claimed within the last ``SUBMISSION_WINDOW``.

    An INSERT that does nothing on conflict; on conflict, an UPDATE that takes over a claim which has expired.
    """
    table = connection.ops.quote_name(SubmissionClaim._meta.db_table)
    now = now or timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (token, claimed_at) VALUES (%s, %s) ON CONFLICT (token) DO NOTHING",
                       [token, stamp])
        claimed = cursor.rowcount == 1
        if not claimed:
            cursor.execute(f"UPDATE {table} SET claimed_at = %s WHERE token = %s AND claimed_at < %s",
                           [stamp, token, connection.ops.adapt_datetimefield_value(now - SUBMISSION_WINDOW)])
            claimed = cursor.rowcount == 1
    if claimed and secrets.randbelow(PURGE_ONE_IN) == 0:
        submissions_purge(now=now)
    return claimed


def submission_release(*, token: str) -> None:
    SubmissionClaim.objects.filter(token=token).delete()


def submissions_purge(*, now: datetime | None = None) -> int:
    return SubmissionClaim.objects.filter(claimed_at__lt=(now or timezone.now()) - SUBMISSION_WINDOW).delete()[0]
