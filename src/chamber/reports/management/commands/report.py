import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from chamber.orgs.models import Organization
from chamber.reports.annual import annual_report


class Command(BaseCommand):
    help = "Write a report: `chamber report annual --org CODE --year YYYY --format json|docx|xlsx -o FILE`."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["annual"])
        parser.add_argument("--org", required=True, help="organisation code")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["json", "docx", "xlsx"], default="json")
        parser.add_argument(
            "-o", "--output", required=True, help="file to write ('-' for stdout, json only)"
        )

    def handle(self, *args, kind, org, year, format, output, **options):
        organization = Organization.objects.filter(code=org).first()
        if organization is None:
            raise CommandError(f"No organisation with code {org!r}.")
        report = annual_report(organization, year)
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
