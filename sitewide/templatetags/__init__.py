"""Template tags of the site-wide pages."""
