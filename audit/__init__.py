"""`make audit`: see __main__.py."""
