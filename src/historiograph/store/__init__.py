"""The store: the only package that knows SQL."""
