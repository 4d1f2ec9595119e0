"""Receivers for Django's authentication signals (the security log and the session register)
and for the settings rows whose values pages show from the shared cache."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import services
from .guarding import selectors as guarding_selectors
from .guarding.models import GuardingSettings
from .security import client_address, logger, start_session_clock


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    ip = client_address(request) if request is not None else ""
    logger.info("login user=%s ip=%s", user.username, ip)
    if request is None or not hasattr(request, "session"):
        return
    start_session_clock(request)
    if request.session.session_key is None:
        request.session.save()
    services.session_register(
        account=user,
        session_key=request.session.session_key,
        ip_address=ip,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    ip = client_address(request) if request is not None else ""
    logger.info("logout user=%s ip=%s", getattr(user, "username", "-"), ip)
    session_key = request.session.session_key if request is not None else None
    services.session_unregister(account=user, session_key=session_key, ip_address=ip)


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    ip = client_address(request) if request is not None else ""
    logger.warning("login failed username=%s ip=%s", credentials.get("username", "-"), ip)


@receiver(post_save, sender=GuardingSettings)
@receiver(post_delete, sender=GuardingSettings)
def on_guarding_settings_change(sender: Any, **kwargs: Any) -> None:
    """A bureau's guarding settings changed: the pages' cached copies start a new version
    (safety.guarding.selectors.shown_settings)."""
    guarding_selectors.settings_changed()
