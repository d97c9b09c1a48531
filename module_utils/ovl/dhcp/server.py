# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""One tenant's DHCP server on a host, pure: its directory
(``core.marks.DHCP_DIR``/<tenant>: ``hosts``, ``pid``, ``leases``,
``log``), its hosts file and the dnsmasq command line.

dnsmasq as Neutron's dhcp-agent runs it, verified (GUIDE): no DNS
(``--port=0``), no configuration but ours (``--conf-file=/dev/null``), bound
to the tenant's interface in its namespace, ``--dhcp-range=NET,static``
(leases only for the hosts file: an unknown MAC gets no answer), the hosts
file re-read on SIGHUP, the MTU and the router forced (busybox udhcpc, for
one, does not ask for the MTU). Without a router, option 3 is sent empty:
dnsmasq would offer its own address otherwise. The command line holds
everything but the hosts, so a changed command line means a restart and a
changed hosts file a SIGHUP.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import os

from ansible.module_utils.ovl.core.marks import DHCP_DIR

LEASE_TIME = '12h'


def directory(tenant, root=DHCP_DIR):
    return os.path.join(root, tenant)


def hosts_text(server):
    """The hosts file: ``MAC,IP,NAME`` per line, sorted by MAC."""
    return ''.join('%s,%s,%s\n' % (h['mac'], h['ip'], h['name']) for h in server['hosts'])


def argv(server, root=DHCP_DIR):
    """The dnsmasq command line of *server* (it forks and writes its pid)."""
    here = directory(server['tenant'], root)
    net = ipaddress.IPv4Network(server['subnet'])
    router = ('--dhcp-option-force=option:router,%s' % server['router']
              if server['router'] else '--dhcp-option=3')
    return ['dnsmasq', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--port=0',
            '--interface=%s' % server['interface'], '--bind-interfaces',
            '--dhcp-authoritative',
            '--dhcp-range=%s,static,%s,%s' % (net.network_address, net.netmask, LEASE_TIME),
            '--dhcp-hostsfile=%s/hosts' % here, '--dhcp-leasefile=%s/leases' % here,
            '--pid-file=%s/pid' % here, '--log-facility=%s/log' % here,
            '--dhcp-option-force=option:mtu,%d' % server['mtu'], router]
