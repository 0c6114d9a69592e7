#!/usr/bin/env bash
# Fetch the Elasticsearch and OpenSearch integ-test distributions from Maven
# Central into .cache/search-dist/ (git-ignored), with `mvn dependency:copy`.
#
#   tools/fetch-search-dist.sh [elasticsearch|elasticsearch9|opensearch]...
#                                   (default: elasticsearch and opensearch)
#
# Prints one line per distribution: "<name> <version> <zip path>".
# "elasticsearch" is Elasticsearch 8.x, "elasticsearch9" Elasticsearch 9.x
# (same Maven artifact, another version; it needs a JDK >= 21 to run, not to
# be fetched). Idempotent: a zip already in the cache is not fetched again.
# Maven's own repository lives in .cache/m2 so nothing is written outside
# the tree. Versions can be overridden with FREEZER_ES_VERSION,
# FREEZER_ES9_VERSION and FREEZER_OS_VERSION.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE="$ROOT/.cache"
DEST="$CACHE/search-dist"
ES_VERSION=${FREEZER_ES_VERSION:-8.19.7}
ES9_VERSION=${FREEZER_ES9_VERSION:-9.5.4}
OS_VERSION=${FREEZER_OS_VERSION:-2.19.4}
PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy

die() { echo "fetch-search-dist: $*" >&2; exit 2; }

coordinates() {
    case "$1" in
        elasticsearch)
            echo "org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip $ES_VERSION" ;;
        elasticsearch9)
            echo "org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES9_VERSION:zip $ES9_VERSION" ;;
        opensearch)
            echo "org.opensearch.distribution.integ-test-zip:opensearch:$OS_VERSION:zip $OS_VERSION" ;;
        *) die "unknown distribution '$1' (elasticsearch, elasticsearch9 or opensearch)" ;;
    esac
}

fetch() {
    local name=$1 artifact version zip file
    coordinates "$name" >/dev/null || exit 2
    read -r artifact version <<<"$(coordinates "$name")"
    # NOTE: Maven names the copy <artifactId>-<version>.zip, so both
    # Elasticsearch majors land as elasticsearch-<version>.zip.
    file=${artifact#*:}
    file=${file%%:*}
    zip="$DEST/$file-$version.zip"
    if [ ! -s "$zip" ]; then
        command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is required to fetch $artifact; install it (Debian: apt-get install maven)"
        command -v java >/dev/null 2>&1 || die "Java is required to run Maven and $name; install a JDK 17 (Debian: apt-get install openjdk-17-jre-headless)"
        mkdir -p "$DEST"
        local log="$DEST/$name-$version.mvn.log"
        if ! mvn -B -q "-Dmaven.repo.local=$CACHE/m2" "$PLUGIN" \
                "-Dartifact=$artifact" "-DoutputDirectory=$DEST" \
                >"$log" 2>&1; then
            tail -n 20 "$log" >&2
            die "mvn dependency:copy of $artifact failed (log: $log)"
        fi
        [ -s "$zip" ] || die "mvn finished but $zip is missing (log: $log)"
    fi
    echo "$name $version $zip"
}

if [ $# -eq 0 ]; then
    set -- elasticsearch opensearch
fi
for name in "$@"; do
    fetch "$name"
done
