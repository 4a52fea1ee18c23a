"""Start-up checks: Chamber refuses to serve personal data it cannot decrypt.

Run by every management command that checks (runserver, check, demo, ...), by
`check --deploy` (which also demands real keys), and by chamber.wsgi before it serves.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection

# Rows looked at from each end of each encrypted column: a wrong key fails them all, and
# a start-up must stay quick at a million people (`chamber rekey --check` reads all).
SAMPLE = 200


def _fields_ready() -> bool:
    """The encrypted columns exist and carry CHAMBER_FIELD_KEYS tokens (the migration
    that moves the old values has run): before that, migrate itself must be allowed."""
    try:
        from django.db.migrations.recorder import MigrationRecorder

        return (
            MigrationRecorder(connection)
            .migration_qs.filter(app="members", name="0007_field_keys")
            .exists()
        )
    except DatabaseError:
        return False


def field_key_errors() -> list[Error]:
    from .fields import undecryptable

    if not _fields_ready():
        return []
    try:
        bad = list(undecryptable(sample=SAMPLE))
    except ImproperlyConfigured as e:  # no keys, or a malformed one
        return [Error(str(e), id="chamber.E001")]
    except DatabaseError:
        return []
    if not bad:
        return []
    return [
        Error(
            f"{len(bad)} stored personal-data value(s) do not decrypt with "
            f"CHAMBER_FIELD_KEYS (first: {bad[0]}).",
            hint="Start with the key that encrypted them (add it after the newest key), "
            "then run `chamber rekey`.",
            id="chamber.E002",
        )
    ]


@register()
def check_field_keys(app_configs=None, **kwargs) -> list[Error]:
    return field_key_errors()


@register(Tags.security, deploy=True)
def check_field_keys_deploy(app_configs=None, **kwargs) -> list[Error]:
    keys = getattr(settings, "CHAMBER_FIELD_KEYS", [])
    if not keys or settings.DEV_FIELD_KEY in keys:
        return [
            Error(
                "CHAMBER_FIELD_KEYS is not set, or holds the public development key.",
                hint="Generate one with `chamber rekey --generate` (docs/deploy.md).",
                id="chamber.E003",
            )
        ]
    return []


def refuse_to_serve_undecryptable() -> None:
    """Called by chamber.wsgi: a server that would show ciphertext, or fail on every
    person page, does not start."""
    errors = field_key_errors()
    if errors:
        raise ImproperlyConfigured("; ".join(f"{e.msg} {e.hint or ''}".strip() for e in errors))
