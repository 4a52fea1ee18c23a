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

# 姓名 of the demo's staff (family name first): pages show these, never the sign-in names.
DEMO_NAMES = {
    "admin": "林晓东",
    "district": "张丽华",
    "leader": "黄国平",
    "xinan": "陈静",
    "xixiang": "李明",
    "hangcheng": "刘洋",
    "fuyong": "周海燕",
    "fuhai": "吴俊",
    "shajing": "郑晓红",
    "xinqiao": "何伟",
    "songgang": "谢婷",
    "yanluo": "罗建军",
    "shiyan": "梁秀英",
}


def name_users() -> None:
    """Give every demo user their 姓名 (one-character family names here)."""
    User = get_user_model()
    for user in User.objects.filter(username__in=DEMO_NAMES):
        name = DEMO_NAMES[user.username]
        user.last_name, user.first_name = name[0], name[1:]
        user.save(update_fields=["last_name", "first_name"])


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
