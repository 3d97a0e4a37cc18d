"""The pages and tools that span both halves of the register: home, search, figures, source and country pages,
sitemaps, the staff dashboard, the demo data and the generated sample."""
