from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files; `import` paths in our JS modules point at hashed names."""

    support_js_module_import_aggregation = True
