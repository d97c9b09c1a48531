# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""DHCP inside each tenant (issue 22): one dnsmasq per DHCP tenant per
host, in the tenant's router namespace, with static leases for that host's
VM endpoints only (Neutron's dhcp-agent is the reference). ``model`` (the
servers, validated), ``server`` (a server's files and argv, pure), ``read``
(what runs: pid files, /proc), ``plan`` (start, restart, reload, stop),
``driver`` (the ``dhcp`` layer), ``drift``."""
