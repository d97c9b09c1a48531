# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The ``libvirt`` layer of ``overlay_apply``: on a host with VM endpoints,
its libvirt network (``ovl.libvirt.network``) defined, started, autostarted
and kept equal to the tenants of the host (their portgroups and tags), and
its running VMs' ports corrected to their tenant's tag; on a host without
VM endpoints a network of ours removed. A host that never had one costs one
stat."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.files import write_file
from ansible.module_utils.ovl.core.result import Driver, Plan
from ansible.module_utils.ovl.core.step import changes
from ansible.module_utils.ovl.core.validate import InputError, ifname
from ansible.module_utils.ovl.libvirt import read
from ansible.module_utils.ovl.libvirt import plan as planner

ARGUMENT_SPEC = dict(
    name=dict(type='str', default='ovl'),
    bridge=dict(type='str', default='br-int'),
    portgroups=dict(type='dict', default={}),
    vms=dict(type='dict', default={}),
    mtus=dict(type='dict', default={}),
    host=dict(type='str', default='this host'),
)


def _tag(value, field):
    """A VLAN tag, or None: untagged (the OVN backend)."""
    if value is None:
        return value
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4094:
        raise InputError(field, value, 'is not a VLAN tag (1-4094) nor null (untagged)')
    return value


def _mtu(value, field):
    if isinstance(value, bool) or not isinstance(value, int) or not 68 <= value <= 65535:
        raise InputError(field, value, 'is not an MTU (68-65535)')
    return value


class LibvirtDriver(Driver):
    """Params: ``name``, ``bridge``, ``portgroups`` ({tenant: tag}),
    ``vms`` ({interface id: tag}), ``mtus`` ({interface id: MTU}), ``host``;
    a tag None is no tag (OVN)."""

    def normalize(self):
        p = self.params
        return dict(name=p['name'], bridge=ifname(p['bridge'], 'bridge'),
                    portgroups=dict((t, _tag(v, 'portgroups.%s' % t))
                                    for t, v in (p.get('portgroups') or {}).items()),
                    vms=dict((i, _tag(v, 'vms.%s' % i)) for i, v in (p.get('vms') or {}).items()),
                    mtus=dict((i, _mtu(v, 'mtus.%s' % i)) for i, v in (p.get('mtus') or {}).items()))

    def read(self, runner, want):
        return read.read(runner, self.params['host'], want['name'], bool(want['portgroups']))

    def plan(self, want, have):
        return Plan(planner.plan(want, have))

    def diff(self, want, have, plan):
        if have is None:
            return {}, {}
        return ({'portgroups': ((have['live'] or have['config'] or {}).get('portgroups') or {})},
                {'portgroups': want['portgroups']})

    def extra(self, want, have, plan):
        return dict(changes=changes(plan.steps),
                    vm_ports=sorted(p for p, now in ((have or {}).get('ports') or {}).items()
                                    if now['iface_id'] in want['vms']))

    def local(self, item):
        if item.op == 'file.write':
            return lambda: write_file(item.obj, item.stdin, 0o644)
        return None
