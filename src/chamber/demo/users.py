"""Demo sign-ins (password "chamber-demo", accepted only in a demo database)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model

from chamber.orgs.choices import Role
from chamber.orgs.models import Organization, RoleAssignment

DEMO_USERS = [
    # username, role, organisation code, description
    ("admin", Role.ADMIN, "baoan", "administrator"),
    ("district", Role.STAFF, "baoan", "federation staff, whole district"),
    ("xixiang", Role.SECRETARY, "baoan.xixiang", "secretary of the Xixiang street chamber"),
    ("leader", Role.LEADER, "baoan", "leader, read-only, whole district"),
]


def build_users() -> None:
    User = get_user_model()
    for username, role, code, _desc in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.is_staff = role in (Role.ADMIN, Role.STAFF, Role.SECRETARY)
        user.is_superuser = role == Role.ADMIN
        # set_password, not the validators: the validators refuse this password for
        # every account outside the demo.
        user.set_password(settings.CHAMBER_DEMO_PASSWORD)
        user.save()
        RoleAssignment.objects.get_or_create(
            user=user, organization=Organization.objects.get(code=code), role=role
        )
