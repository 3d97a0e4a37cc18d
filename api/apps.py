"""The API app: its withdrawal log listens to the records' saves and deletes from the start."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from api import withdrawals

        withdrawals.connect()
