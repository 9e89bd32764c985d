"""Duplicate submissions: a POST with an ``Idempotency-Key`` its token used within 24 hours gets 409.

The key is claimed like a form's one-time token (``lotse.core.services.submission_claim``) before the
operation runs, so of two concurrent submissions only one gets past the claim. When the operation fails, the
claim is released again and the client may retry with the same key.
"""

from functools import wraps

from django.core.exceptions import ValidationError
from django.http import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Status

from lotse.core.services import api_submission_token, submission_claim, submission_release

HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 200


class DuplicateSubmission(Exception):
    pass


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
        claim = api_submission_token(token_prefix=token_prefix, key=key)
        if not submission_claim(token=claim):
            raise DuplicateSubmission()
        try:
            result = view_func(request, *args, **kwargs)
        except BaseException:
            submission_release(token=claim)
            raise
        if _status(result) >= 400:
            submission_release(token=claim)
        return result

    return wrapper
