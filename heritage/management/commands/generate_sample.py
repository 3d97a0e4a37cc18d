"""``manage.py generate_sample``: sample data at registry scale for the benchmark; ``--delete`` removes it."""

from django.core.management.base import BaseCommand, CommandError

from heritage.sample import delete_sample, generate_sample


class Command(BaseCommand):
    help = (
        "Create realistic sample monuments and meetings (slugs start with 'sample-', all citing the source "
        "'Generated sample data'), or remove them with --delete. Never run it on a production database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--monuments", type=int, default=1000)
        parser.add_argument("--meetings", type=int, default=250)
        parser.add_argument("--batch-size", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--delete", action="store_true", help="Remove all sample data and exit.")

    def handle(self, *args, **options):
        if options["delete"]:
            removed = delete_sample()
            self.stdout.write(self.style.SUCCESS(f"Sample data removed: {removed} rows."))
            return
        if options["monuments"] < 0 or options["meetings"] < 0 or options["batch_size"] < 1:
            raise CommandError("Sizes must be positive.")
        try:
            rates = generate_sample(
                options["monuments"], options["meetings"], options["batch_size"], options["seed"], out=self.stderr
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
