"""chamber demo_member: print the demo's member sign-in for the members' portal (make
run shows it). Only in a demo database."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print the demo's member sign-in (a mobile number) for the members' portal."

    def handle(self, *args, **options):
        from chamber.demo.portal import demo_member

        account = demo_member()
        if account is None:
            self.stdout.write("    (no demo member accounts in this database)")
            return
        self.stdout.write(
            f"    member    {account.person.mobile}  ({account.person.name}, "
            f"{account.organization.name}) at /portal/login/ — the SMS code is printed here"
        )
