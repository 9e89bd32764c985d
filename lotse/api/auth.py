from ninja.security import HttpBearer

from lotse.accounts.services import api_token_authenticate


class PersonalAccessToken(HttpBearer):
    """``Authorization: Bearer lotse_<prefix>_<secret>``; the request then acts as the token's owner."""

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return user
