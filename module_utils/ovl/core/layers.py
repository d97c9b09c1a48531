# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The layers of a host, in the order they converge, and the role tags that
select each (``ansible-playbook site.yml --tags snat``). One table, read by
``overlay_apply`` (order, choices, docs) and by the controller (which layers
a run's ``--tags``/``--skip-tags`` select)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

# (layer, tags): each layer may depend on the ones before it
LAYERS = (
    ('ip', ('endpoints', 'snat', 'tunnels')),        # namespaces, veths, addresses, routes
    ('ovs', ('ovs', 'tunnels', 'endpoints')),        # bridges, ports, tunnels: one transaction
    ('int_flows', ('ovs', 'tunnels', 'snat')),       # gateway ARP stays local (br-int)
    ('tun_flows', ('ovs', 'tunnels')),               # flow mode: br-tun's pipeline
    ('underlay', ('ovs', 'tunnels')),                # netdev: VTEP address onto br-phy
    ('forward', ('snat',)),                          # the host routes IPv4
    ('nat', ('snat',)),                              # SNAT and inbound block per router
)
NAMES = tuple(name for name, _tags in LAYERS)
TAGS = dict(LAYERS)
ALL_TAGS = tuple(sorted(set(t for _name, tags in LAYERS for t in tags)))


def selected(run_tags=None, skip_tags=None):
    """The layers a run with these ``ansible_run_tags``/``ansible_skip_tags``
    converges, in order, with Ansible's own rules: ``all`` (the default) and
    ``tagged`` select every layer, a tag selects the layers that carry it;
    a skipped tag (or ``all``/``tagged`` skipped) drops every layer that
    carries it. ``always`` is not a tag of any layer."""
    run = set(run_tags or ['all'])
    skip = set(skip_tags or [])
    out = []
    for name, tags in LAYERS:
        if skip & ({'all', 'tagged'} | set(tags)):
            continue
        if run & {'all', 'tagged'} or run & set(tags):
            out.append(name)
    return out
