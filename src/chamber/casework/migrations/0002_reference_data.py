"""The default case categories (with time limits in working days) and the holiday
calendar of every year the `chinesecalendar` package knows. Both are editable in the
admin afterwards; the time limits are the federation's own, not a national rule."""

import json
from pathlib import Path

from django.db import migrations


def forwards(apps, schema_editor):
    from chamber.casework.workdays import seed_days

    Category = apps.get_model("casework", "Category")
    data = json.loads((Path(__file__).parents[1] / "data" / "categories.json").read_text("utf-8"))
    for order, row in enumerate(data):
        Category.objects.get_or_create(code=row["code"], defaults={**row, "sort_order": order})
    seed_days(
        apps.get_model("casework", "HolidayCalendar"), apps.get_model("casework", "CalendarDay")
    )


def backwards(apps, schema_editor):
    apps.get_model("casework", "CalendarDay").objects.all().delete()
    apps.get_model("casework", "HolidayCalendar").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
