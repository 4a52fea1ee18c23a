import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from chamber.orgs.models import Organization
from chamber.reports.forms import PeriodForm
from chamber.reports.store import stored_report


class Command(BaseCommand):
    help = (
        "Write a report: `chamber report annual --org CODE --year YYYY [--quarter Q] "
        "--format json|docx|xlsx -o FILE`, or custom dates with --start/--end."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["annual"])
        parser.add_argument("--org", required=True, help="organisation code")
        parser.add_argument("--year", type=int, help="calendar year")
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="a quarter of --year")
        parser.add_argument("--start", help="first day of a custom period, YYYY-MM-DD")
        parser.add_argument("--end", help="last day of a custom period, YYYY-MM-DD")
        parser.add_argument("--format", choices=["json", "docx", "xlsx"], default="json")
        parser.add_argument(
            "-o", "--output", required=True, help="file to write ('-' for stdout, json only)"
        )

    def handle(self, *args, kind, org, format, output, **options):
        organization = Organization.objects.filter(code=org).first()
        if organization is None:
            raise CommandError(f"No organisation with code {org!r}.")
        given = {k: options[k] for k in ("year", "quarter", "start", "end") if options[k]}
        form = PeriodForm(given, year_required=True)
        if not form.is_valid():
            problems = "; ".join(f"--{f}: {' '.join(e)}" for f, e in form.errors.items())
            raise CommandError(problems)
        report = stored_report(organization, form.period())
        if format == "json":
            text = json.dumps(report, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
            if output == "-":
                self.stdout.write(text)
                return
            Path(output).write_text(text + "\n", encoding="utf-8")
        elif output == "-":
            raise CommandError("docx and xlsx need a file name (-o FILE).")
        else:
            from chamber.reports import exporters

            writer = exporters.write_docx if format == "docx" else exporters.write_xlsx
            writer(report, Path(output))
        self.stderr.write(f"Wrote {output}")
