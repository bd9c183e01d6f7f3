# recovery-care: one image for the web process, the Celery worker and celery beat.
# docker-compose.yml chooses the command; every setting comes from the environment.

# --- CSS: our Sass compiled against nhsuk-frontend -------------------------------------------
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static/scss static/scss
RUN npm run build:css

# --- the application --------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=recovery_site.settings.production
WORKDIR /app

# Dependencies first, so a code change does not reinstall them. The project itself installs no
# packages ([tool.setuptools] packages = []): the code runs from /app.
COPY pyproject.toml README.md ./
RUN pip install .

# Everything .dockerignore lets through: the apps, templates and static sources.
COPY . .
COPY --from=assets /build/static/build static/build
COPY --from=assets /build/node_modules/nhsuk-frontend/dist/nhsuk node_modules/nhsuk-frontend/dist/nhsuk

# Hashed, compressed static files for whitenoise. Production settings insist on these variables;
# the values here exist only for this step and touch no database.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost DATABASE_URL=sqlite:////tmp/unused.sqlite3 \
    SITE_URL=https://collectstatic.invalid EMAIL_URL=smtp://collectstatic.invalid:25 \
    python manage.py collectstatic --noinput --verbosity 0

RUN useradd --system --no-create-home --home-dir /nonexistent app
USER app
EXPOSE 8000
CMD ["gunicorn", "recovery_site.wsgi", "--no-control-socket", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
