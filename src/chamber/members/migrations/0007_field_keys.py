"""ID numbers move from the key django-fernet-encrypted-fields derived from SECRET_KEY to
CHAMBER_FIELD_KEYS (chamber.core.fields). Every stored value is decrypted (with the new
keys, or the old derived ones) and written again under the newest key; a value that no
key opens stops the migration with a clear error, nothing half-done (one transaction)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from chamber.core.fields import reencrypt_column

    reencrypt_column(schema_editor.connection, "members_person", "id_number", legacy=True)


class Migration(migrations.Migration):
    dependencies = [("members", "0006_person_user")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
