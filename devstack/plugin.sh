#!/bin/bash
# plugin.sh - DevStack entry point of the freezer-api plugin
#
# DevStack sources this file once per phase:
#   stack install | stack post-config | stack extra, unstack, clean

# shellcheck source=devstack/lib/freezer-api
source "$(dirname "${BASH_SOURCE[0]}")/lib/freezer-api"

if is_service_enabled freezer-api; then
    if [[ "$1" == "stack" && "$2" == "install" ]]; then
        echo_summary "Installing freezer-api"
        install_freezer_api
    elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
        echo_summary "Configuring freezer-api"
        configure_freezer_api
        create_freezer_api_accounts
    elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
        echo_summary "Initializing and starting freezer-api"
        init_freezer_api
        start_freezer_api
    fi

    if [[ "$1" == "unstack" ]]; then
        stop_freezer_api
    fi

    if [[ "$1" == "clean" ]]; then
        cleanup_freezer_api
    fi
fi
