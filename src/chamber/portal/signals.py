"""Mark a member's session at sign-in, by whatever path they signed in (the portal's
code or password, or the staff sign-in page with a member's password): the boundary
middleware then keeps the session inside /portal/ without a query per request."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

SESSION_KEY = "portal_member"


@receiver(user_logged_in)
def mark_member_session(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    from .models import MemberAccount

    if MemberAccount.objects.filter(user_id=user.pk).exists():
        request.session[SESSION_KEY] = True
