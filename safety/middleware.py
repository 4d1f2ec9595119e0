from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.cache import patch_vary_headers


class PreferredLanguageMiddleware:
    """Chinese first: the language is the one chosen with the switcher (the language
    cookie set by Django's `set_language`), otherwise zh-hans. The browser's
    Accept-Language is ignored on purpose: bureau PCs often run an English system while
    their users expect Chinese."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if code not in self.languages:
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", code)
        patch_vary_headers(response, ("Cookie",))
        return response


# --- #17 department liaison accounts -----------------------------------------------------

LIAISON_ROLE = "department_liaison"
# Framework views every account needs: the language switch and the favicon.
LIAISON_FRAMEWORK_VIEWS = frozenset({"set_language", "favicon"})


def liaison_allowed(view: Callable) -> Callable:
    """Mark a view a department liaison account may open (its county's surroundings ledger and
    joint meetings, its own notifications and password, signing out). Apply it outermost."""
    view.liaison_allowed = True  # type: ignore[attr-defined]
    return view


class LiaisonConfinementMiddleware:
    """A department liaison account sees its county's surroundings ledger and joint meetings
    and nothing else: every other page is a 404 (fail closed: a view must be marked with
    `liaison_allowed`). The home page sends it to its ledger."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or getattr(user, "role", "") != LIAISON_ROLE:
            return None
        match = request.resolver_match
        if getattr(view_func, "liaison_allowed", False) or (
            match is not None and match.view_name in LIAISON_FRAMEWORK_VIEWS
        ):
            return None
        if match is not None and match.view_name == settings.LOGIN_REDIRECT_URL:
            return redirect(settings.LIAISON_HOME_URL)
        raise Http404
