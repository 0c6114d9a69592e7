#!/usr/bin/env bash
# Install everything the tests need and run the whole test suite.
#
#   bash tools/run-tests.sh [pytest arguments]
#
# System packages (Apache + mod_wsgi, PostgreSQL, shellcheck, Java, Maven)
# come from Debian when
# missing; Python packages go into tox's virtualenv; the Elasticsearch and
# OpenSearch zips (Maven Central) and Keystone (PyPI) are fetched by the test
# fixtures into .cache/ (git-ignored) on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CACHE="$ROOT/.cache"
mkdir -p "$CACHE/venvs"

need_apt=()
command -v apache2 >/dev/null 2>&1 || [ -x /usr/sbin/apache2 ] || need_apt+=(apache2)
[ -e /usr/lib/apache2/modules/mod_wsgi.so ] || need_apt+=(libapache2-mod-wsgi-py3)
command -v shellcheck >/dev/null 2>&1 || need_apt+=(shellcheck)
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need_apt+=(mariadb-server)
# NOTE: uWSGI is built from its sdist; without OpenSSL headers it has no --https.
dpkg -s libssl-dev >/dev/null 2>&1 || need_apt+=(libssl-dev)
command -v gcc >/dev/null 2>&1 || need_apt+=(gcc)
if [ ${#need_apt[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "Installing system packages: ${need_apt[*]}"
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_apt[@]}"
    else
        echo "Missing system packages (run as root or install them): ${need_apt[*]}" >&2
        exit 1
    fi
fi

PY=${PYTHON:-python3}
if [ ! -x "$CACHE/venvs/tox/bin/tox" ]; then
    "$PY" -m venv "$CACHE/venvs/tox"
    "$CACHE/venvs/tox/bin/pip" install -q -U pip tox
fi
TOX="$CACHE/venvs/tox/bin/tox"
# NOTE: the gates first (style, then the documentation, the API reference
# and the release notes, each built with warnings as errors); the test
# suite last, so that the output ends with pytest's closing line.
"$TOX" -e pep8,docs,api-ref,releasenotes
# The committed samples must be what the code generates now.
"$TOX" -e genconfig,genpolicy
if git rev-parse --is-inside-work-tree >/dev/null 2>&1 \
        && ! git diff --exit-code -- etc/; then
    echo "etc/: the committed samples are stale; commit the regenerated" \
         "files above (tox -e genconfig,genpolicy)" >&2
    exit 1
fi
exec "$TOX" -e py3 -- "$@"
