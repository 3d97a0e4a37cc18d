"""The paging parameters every API list takes, and the page sizes (shared by the views and the description)."""

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
PAGING_PARAMETERS = ("cursor", "limit", "updated_since")
