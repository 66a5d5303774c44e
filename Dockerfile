# offergate: container action. The runner passes inputs as INPUT_* variables and mounts the
# workspace; nothing here depends on the working directory.
#
# Two stages. The builder makes offergate's wheel and installs it, with its dependencies only,
# into a venv that has no pip of its own. The final image is the slim Python with that venv
# copied in and nothing else: pip, setuptools and wheel removed, no sources, no build caches.
# Everything is byte-compiled at build time: the base image ships no .pyc files and the action
# runs with PYTHONDONTWRITEBYTECODE, so otherwise every start would compile the standard
# library and requests from source. The .pyc files are unchecked-hash based: the image never
# changes, and file times that COPY may alter cannot make them stale.

FROM python:3.11-slim-bookworm AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

COPY pyproject.toml README.md LICENSE /build/
COPY src /build/src
RUN pip wheel --no-deps --wheel-dir /build/wheels /build \
 && python -m venv --without-pip /opt/offergate \
 && pip --python /opt/offergate/bin/python install --no-compile /build/wheels/offergate-*.whl \
 && /opt/offergate/bin/python -m compileall -q -j 0 -f --invalidation-mode unchecked-hash /opt/offergate/lib

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/offergate/bin:$PATH

RUN python -m pip uninstall -y -q pip setuptools wheel \
 && rm -rf /usr/local/lib/python3.11/ensurepip/_bundled /root/.cache \
 && python -m compileall -q -j 0 -f --invalidation-mode unchecked-hash -x '/(test|idlelib|turtledemo)/' /usr/local/lib/python3.11

COPY --from=build /opt/offergate /opt/offergate

ENTRYPOINT ["offergate"]
