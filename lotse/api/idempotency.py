"""Duplicate submissions: a POST with an ``Idempotency-Key`` its token used within 24 hours gets 409.

The key is claimed (inserted under a unique constraint, committed at once) before the operation runs, so of
two concurrent submissions only one gets past the claim. When the operation fails, the claim is released
again and the client may retry with the same key.
"""

from datetime import timedelta
from functools import wraps

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Status

from lotse.accounts.models import IdempotencyKey

HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 200
WINDOW = timedelta(hours=24)


class DuplicateSubmission(Exception):
    pass


def idempotency_key_claim(*, token_prefix: str, key: str) -> bool:
    """False if the token used the key within the last 24 hours; otherwise the key is now taken."""
    now = timezone.now()
    IdempotencyKey.objects.filter(token_id=token_prefix, created_at__lt=now - WINDOW).delete()
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(token_id=token_prefix, key=key, created_at=now)
    except IntegrityError:
        return False
    return True


def idempotency_key_release(*, token_prefix: str, key: str) -> None:
    IdempotencyKey.objects.filter(token_id=token_prefix, key=key).delete()


def _status(result) -> int:
    if isinstance(result, Status):
        return result.status_code
    if isinstance(result, HttpResponseBase):
        return result.status_code
    return 200


def idempotent(view_func):
    """Wraps every API operation (``api.add_decorator``); acts on POSTs with a token and the header."""

    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        token_prefix = getattr(request, "api_token_prefix", None)
        if request.method != "POST" or not key or token_prefix is None:
            return view_func(request, *args, **kwargs)
        if len(key) > KEY_MAX_LENGTH or not key.isprintable():
            raise ValidationError({HEADER: _("Please send an Idempotency-Key of at most %(max)d printable "
                                             "characters.") % {"max": KEY_MAX_LENGTH}})
        if not idempotency_key_claim(token_prefix=token_prefix, key=key):
            raise DuplicateSubmission()
        try:
            result = view_func(request, *args, **kwargs)
        except BaseException:
            idempotency_key_release(token_prefix=token_prefix, key=key)
            raise
        if _status(result) >= 400:
            idempotency_key_release(token_prefix=token_prefix, key=key)
        return result

    return wrapper
