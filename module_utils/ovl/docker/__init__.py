# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The Docker network plugin (issue 21): a libnetwork remote network driver
and IPAM driver that puts containers into tenants. ``config`` (what the
roles tell the plugin about this host's tenants), ``ipam`` (addresses),
``api`` (the requests, validated, answered; pure but for the attach
actions it is given), ``server`` (the unix socket, the state on disk),
``host`` (the attach and detach actions on the host)."""
