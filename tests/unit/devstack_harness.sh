#!/bin/bash
# Run phases of the freezer-api DevStack plugin against stand-ins for
# DevStack's helper functions.
#
#   HARNESS_ROOT=/tmp/x FREEZER_API_DIR=<checkout> \
#       devstack_harness.sh "stack install" "stack post-config" ...
#
# Every stand-in appends one line "<function> <args>" to $HARNESS_ROOT/calls.log
# and, where DevStack's helper writes files (iniset, apache sites), does the
# same below $HARNESS_ROOT, so that tests can check both the commands and
# the files a phase produces. Optional: HARNESS_LOCALRC, a file sourced
# before devstack/settings the way local.conf's [[local|localrc]] is.

set -o errexit
set -o nounset
set -o pipefail

ROOT=${HARNESS_ROOT:?HARNESS_ROOT must name a scratch directory}
LOG=$ROOT/calls.log
PLUGIN_DIR=$FREEZER_API_DIR/devstack

# DevStack's globals, pointed below $ROOT
DEST=$ROOT/opt/stack
DATA_DIR=$ROOT/data
# NOTE: mod_wsgi refuses daemons running as root, so a root test run plays
# DevStack's unprivileged stack user with www-data.
if [[ $(id -u) == 0 ]]; then STACK_USER=www-data; else STACK_USER=$(id -un); fi
SERVICE_HOST=127.0.0.1
SERVICE_PROTOCOL=http
REGION_NAME=RegionOne
API_WORKERS=2
ENABLE_DEBUG_LOG_LEVEL=True
SERVICE_TIMEOUT=60
APACHE_NAME=apache2
GLOBAL_VENV=True
DEVSTACK_VENV=${HARNESS_DEVSTACK_VENV:-$ROOT/venv}
ENABLED_SERVICES=${ENABLED_SERVICES-key,mysql}
FREEZER_API_CONF_DIR=${FREEZER_API_CONF_DIR:-$ROOT/etc/freezer}
export DEST DATA_DIR STACK_USER SERVICE_HOST SERVICE_PROTOCOL REGION_NAME \
    API_WORKERS ENABLE_DEBUG_LOG_LEVEL SERVICE_TIMEOUT APACHE_NAME \
    GLOBAL_VENV DEVSTACK_VENV

mkdir -p "$ROOT/bin" "$ROOT/apache2/sites-available" \
    "$ROOT/apache2/sites-enabled" "$DEST" "$DATA_DIR"

function record {
    echo "$*" >> "$LOG"
}

# Console scripts the plugin runs: record, do nothing else.
for cmd in freezer-manage uwsgi killall pkill; do
    printf '#!/bin/bash\necho "%s $*" >> "%s"\n' "$cmd" "$LOG" > "$ROOT/bin/$cmd"
    chmod +x "$ROOT/bin/$cmd"
done
PATH=$ROOT/bin:$PATH

# --- functions-common -------------------------------------------------------
function is_service_enabled {
    local service
    for service in "$@"; do
        [[ ,$ENABLED_SERVICES, == *,$service,* ]] && return 0
    done
    return 1
}
function enable_service { ENABLED_SERVICES=$ENABLED_SERVICES,$1; }
function echo_summary { record "echo_summary $*"; }
function warn { record "warn $*"; }
function die { record "die $*"; exit 1; }
function trueorfalse {
    local default=$1 value=${!2:-$1}
    case "${value,,}" in
        1|yes|true|on) echo True ;;
        0|no|false|off) echo False ;;
        *) echo "$default" ;;
    esac
}
function setup_develop { record "setup_develop $*"; }
function pip_install { record "pip_install $*"; }
function get_python_exec_prefix { echo "$ROOT/bin"; }
function run_process { record "run_process $*"; }
function stop_process { record "stop_process $*"; }
function wait_for_service { record "wait_for_service $*"; }
function sudo { record "sudo $*"; "$@"; }
function kill { record "kill $*"; }
function iniset {
    record "iniset $*"
    "${HARNESS_PYTHON:-python3}" - "$@" <<'PY'
import configparser, os, sys
path, section, key, value = sys.argv[1:5]
parser = configparser.RawConfigParser(strict=False)
parser.optionxform = str
if os.path.exists(path):
    parser.read(path)
if section != 'DEFAULT' and not parser.has_section(section):
    parser.add_section(section)
parser.set(section, key, value)
with open(path, 'w') as f:
    parser.write(f)
PY
}

# --- lib/apache -------------------------------------------------------------
function install_apache_wsgi { record "install_apache_wsgi $*"; }
function apache_site_config_for { echo "$ROOT/apache2/sites-available/$1.conf"; }
function enable_apache_site {
    record "enable_apache_site $*"
    ln -sf "../sites-available/$1.conf" "$ROOT/apache2/sites-enabled/$1.conf"
}
function disable_apache_site {
    record "disable_apache_site $*"
    rm -f "$ROOT/apache2/sites-enabled/$1.conf"
}
function restart_apache_server { record "restart_apache_server $*"; }

# --- lib/database, lib/keystone ---------------------------------------------
function recreate_database { record "recreate_database $*"; }
function database_connection_url {
    echo "mysql+pymysql://root:secret@127.0.0.1/$1?charset=utf8"
}
function configure_keystone_authtoken_middleware {
    record "configure_keystone_authtoken_middleware $*"
    # What DevStack's own writes, minus TLS and memcached.
    iniset "$1" keystone_authtoken auth_type password
    iniset "$1" keystone_authtoken interface public
    iniset "$1" keystone_authtoken auth_url http://127.0.0.1/identity
    iniset "$1" keystone_authtoken username "$2"
    iniset "$1" keystone_authtoken password secret
    iniset "$1" keystone_authtoken user_domain_name Default
    iniset "$1" keystone_authtoken project_name service
    iniset "$1" keystone_authtoken project_domain_name Default
}
function create_service_user { record "create_service_user $*"; }
function get_or_create_service { record "get_or_create_service $*"; echo 1234; }
function get_or_create_endpoint { record "get_or_create_endpoint $*"; echo 5678; }

# --- what stack.sh / unstack.sh / clean.sh do --------------------------------
if [[ -n "${HARNESS_LOCALRC:-}" ]]; then
    # shellcheck disable=SC1090
    source "$HARNESS_LOCALRC"
fi
# shellcheck source=devstack/settings
source "$PLUGIN_DIR/settings"
for phase in "$@"; do
    record "# phase $phase"
    # shellcheck disable=SC2086,SC1091
    source "$PLUGIN_DIR/plugin.sh" $phase
done
