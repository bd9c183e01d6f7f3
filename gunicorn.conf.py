"""gunicorn reads this from the working directory, whichever command starts it (make serve, the
Dockerfile, compose): the access log never records one-time tokens or query strings."""

logger_class = "recovery_site.access_log.RedactingLogger"
