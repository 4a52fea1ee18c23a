from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from chamber.orgs.models import Organization
from chamber.returns import services, signing
from chamber.returns.selectors import current


class Command(BaseCommand):
    help = (
        "Statistical returns between deployments: `chamber return export --org CODE --year Y "
        "-o FILE` (signed with CHAMBER_RETURN_SIGNING_KEY), `chamber return import FILE` "
        "(verified with CHAMBER_RETURN_TRUSTED_KEYS), `chamber return keygen -o NAME` "
        "(writes NAME.key and NAME.pem)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "import", "keygen"])
        parser.add_argument("file", nargs="?", help="the file to import")
        parser.add_argument("--org", help="organisation code (export)")
        parser.add_argument("--year", type=int, help="year of the return (export)")
        parser.add_argument("-o", "--output", help="file to write")

    def handle(self, *args, action, file, org, year, output, **options):
        try:
            getattr(self, f"do_{action}")(file=file, org=org, year=year, output=output)
        except signing.SignatureError as e:
            raise CommandError(str(e)) from None
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from None

    def do_export(self, *, org, year, output, **_):
        if not (org and year and output):
            raise CommandError("export needs --org, --year and -o FILE.")
        organization = Organization.objects.filter(code=org).first()
        if organization is None:
            raise CommandError(f"No organisation with code {org!r}.")
        ret = current(organization, year)
        if ret is None or ret.status != "submitted":
            raise CommandError(f"{org} has no submitted return for {year}.")
        Path(output).write_bytes(signing.sign(ret))
        self.stderr.write(f"Wrote {output}: {ret}, signed.")

    def do_import(self, *, file, **_):
        if not file:
            raise CommandError("import needs the FILE to import.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}.")
        payload = signing.verify(path.read_bytes())
        ret = services.import_return(payload=payload, signer=payload["org"]["code"])
        self.stderr.write(f"Imported {ret}: signature verified.")

    def do_keygen(self, *, output, **_):
        if not output:
            raise CommandError("keygen needs -o NAME.")
        private, public = signing.generate_key()
        key = Path(f"{output}.key")
        key.write_bytes(private)
        key.chmod(0o600)
        Path(f"{output}.pem").write_bytes(public)
        self.stderr.write(
            f"Wrote {output}.key (keep it secret) and {output}.pem (give it to the parent)."
        )
