"""The project's configuration: settings, test settings, the root URLconf and the WSGI entry point, nothing else."""
