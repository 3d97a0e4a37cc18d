"""``manage.py load_demo``: load the MONDIACULT 2022 demo data and the state-register extract; run it any number of
times."""

from django.core.management.base import BaseCommand

from sitewide.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo data (the Azernews article on MONDIACULT 2022, and the 893 monuments of the state-register "
        "extract from Wikidata). Creates only what is missing."
    )

    def handle(self, *args, **options):
        created = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {created} new records."))
