# offergate: container action. The runner passes inputs as INPUT_* variables and mounts the
# workspace; nothing here depends on the working directory.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

COPY pyproject.toml README.md LICENSE /opt/offergate/
COPY src /opt/offergate/src
RUN pip install --no-cache-dir /opt/offergate && rm -rf /opt/offergate

ENTRYPOINT ["offergate"]
