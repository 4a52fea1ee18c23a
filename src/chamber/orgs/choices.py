from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrgKind(models.TextChoices):
    NATIONAL = "national", _("national federation")
    PROVINCIAL = "provincial", _("provincial federation")
    CITY = "city", _("city federation")
    FEDERATION = "federation", _("federation")  # county level: a district or county
    STREET = "street", _("street chamber")
    INDUSTRY = "industry", _("industry chamber")
    OUT_OF_TOWN = "out_of_town", _("out-of-town chamber")
    GROUP = "group", pgettext_lazy("organisation kind", "group")


# Kinds that prepare a statistical return and receive their children's.
FEDERATION_KINDS = frozenset({"national", "provincial", "city", "federation"})


class Role(models.TextChoices):
    ADMIN = "admin", _("administrator")
    STAFF = "staff", _("federation staff")
    SECRETARY = "secretary", _("chamber secretary")
    LEADER = "leader", _("leader (read-only)")


class Perm(models.TextChoices):
    """What a role grants over its organisation's subtree."""

    VIEW = "view", _("see records")
    CHANGE = "change", _("create and change records")
    VIEW_PERSONAL = "view_personal", _("see personal data in full")
    EXPORT = "export", _("export")
    ACCEPT_INVALID_CODE = "accept_invalid_code", _("accept a code that fails its check")
    MANAGE = "manage", _("manage users and reference data")
    APPROVE = "approve", _("approve statistical returns")


ROLE_PERMS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(Perm.values),
    Role.STAFF: frozenset(
        {Perm.VIEW, Perm.CHANGE, Perm.VIEW_PERSONAL, Perm.EXPORT, Perm.ACCEPT_INVALID_CODE}
    ),
    Role.SECRETARY: frozenset({Perm.VIEW, Perm.CHANGE, Perm.VIEW_PERSONAL, Perm.EXPORT}),
    Role.LEADER: frozenset({Perm.VIEW, Perm.EXPORT, Perm.APPROVE}),
}
