"""``manage.py generate_sample``: sample data at registry scale for the benchmark; ``--delete`` removes it.

Not for a production database: it drops and rebuilds indexes, skips foreign-key checks and writes with
``synchronous_commit = off``, and the records it makes are fiction. So it refuses to run without ``DEBUG``
unless ``--i-know-this-is-not-production`` says the database is a benchmark or test copy. ``--delete`` is refused
the same way: it deletes rows by their ``sample-`` slug prefix in bulk SQL, past the admin's history and
permissions, so on a real register it would silently remove any real record whose slug happens to start so.
"""

import io

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sitewide.sample import delete_sample, generate_sample

FLAG = "--i-know-this-is-not-production"


class Command(BaseCommand):
    help = (
        "Create realistic sample monuments and meetings (slugs start with 'sample-', all citing the source "
        "'Generated sample data'), or remove them with --delete. Never run it on a production database: "
        f"it runs only with DEBUG=1 or with {FLAG}."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--monuments", type=int, default=1000, help="How many monuments to create, each with an assessment."
        )
        parser.add_argument("--meetings", type=int, default=250, help="How many meetings to create.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=10_000,
            help="Rows written per transaction (default 10,000); a failure loses at most the batch it was in.",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Seed of the random choices: the same seed makes the same data."
        )
        parser.add_argument(
            "--delete", action="store_true", help="Remove all sample data (and nothing else) instead, and exit."
        )
        parser.add_argument(
            FLAG,
            action="store_true",
            help="Run without DEBUG: the database is a benchmark or test copy, not the real register.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["i_know_this_is_not_production"]:
            raise CommandError(
                _(
                    "generate_sample drops indexes, skips foreign-key checks and writes or deletes records in bulk, "
                    "so it runs only with DEBUG=1. On a benchmark or test database without DEBUG, add %(flag)s."
                )
                % {"flag": FLAG}
            )
        if options["delete"]:
            removed = delete_sample()
            self.stdout.write(self.style.SUCCESS(f"Sample data removed: {removed} rows."))
            return
        for name, least in (("monuments", 0), ("meetings", 0), ("batch_size", 1)):
            if options[name] < least:
                raise CommandError(
                    _("--%(option)s %(value)s: must be %(least)s or more.")
                    % {"option": name.replace("_", "-"), "value": options[name], "least": least}
                )
        # Progress and index builds are reported on stderr; verbosity 0 sends them nowhere.
        out = self.stderr if options["verbosity"] else io.StringIO()
        try:
            rates = generate_sample(
                options["monuments"], options["meetings"], options["batch_size"], options["seed"], out=out
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Sample data created: {options['monuments']:,} monuments ({rates['monuments_per_second']:,.0f}/s "
                f"with indexes, {rates['monuments_loaded_per_second']:,.0f}/s writing rows), "
                f"{options['meetings']:,} meetings ({rates['meetings_per_second']:,.0f}/s)."
            )
        )
