from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    """Every claim the tests match on, in userinfo and the ID token; `email` only when the
    platform's account has one (the missing-claim test)."""

    oidc_claim_scope = None

    def get_additional_claims(self, request):
        claims = {"preferred_username": request.user.username, "name": request.user.first_name}
        if request.user.email:
            claims["email"] = request.user.email
        return claims
