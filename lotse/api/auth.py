from functools import partial

from django_otp.middleware import is_verified
from ninja.security import HttpBearer

from lotse.accounts.services import api_token_authenticate


class PersonalAccessToken(HttpBearer):
    """``Authorization: Bearer lotse_<prefix>_<secret>``; the request then acts as the token's owner.

    The owner replaces the session user OTPMiddleware prepared, so it gets the same ``is_verified`` (False: a
    token is no second factor); code that renders a page for the request, such as Django's error views,
    relies on it.
    """

    def authenticate(self, request, token):
        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        user = api_token.user
        user.otp_device = None
        user.is_verified = partial(is_verified, user)
        request.user = user
        request.api_token_prefix = api_token.prefix
        return user
