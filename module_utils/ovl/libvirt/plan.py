# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""``plan(want, have) -> [Step]``, pure.

*want*: {name, bridge, portgroups: {tenant: tag}, vms: {iface_id: tag},
mtus: {iface_id: MTU}} (a tag None: untagged, the OVN backend); an empty *portgroups* means the
host has no VM endpoints: our network is removed (stopped, undefined, its
marker deleted).

- Defined differently from *want* (or not at all): the definition written
  to the marker file, and ``virsh net-define`` of it (on stdin, with the
  defined network's uuid: libvirt keeps it for the next start).
- Running: each portgroup that differs from *want* is changed in place
  (``net-update ... --live``): libvirt uses a portgroup at a VM's start
  only, so a running VM's port keeps its tag: the VMs' ports known by
  their interface id get the tenant's tag (``ovs-vsctl set Port``), or
  lose theirs when the tenant's is None (``ovs-vsctl clear Port``: a fleet
  switched to OVN).
- Each running VM's port gets its tenant's MTU (``mtu_request``, which Open
  vSwitch applies to the tap): libvirt gives a new port the bridge's MTU,
  the lowest of its ports', or the MTU of another backend (OVN's Geneve
  costs 8 bytes more): a VM whose lease gives it the tenant's MTU would
  send frames its port cannot take.
- Not running: ``net-start``; not autostarted: ``net-autostart``.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.step import Step
from ansible.module_utils.ovl.libvirt.network import FIELDS, portgroup_xml, xml
from ansible.module_utils.ovl.libvirt.read import URI, marker_path

VIRSH = ('-c', URI, '-q')


def _virsh(op, name, *args, **kw):
    return Step(op, 'virsh', VIRSH + args, obj=name, **kw)


def fields(want):
    return dict(name=want['name'], forward='bridge', bridge=want['bridge'],
                virtualport='openvswitch', portgroups=dict(want['portgroups']))


def _tag_text(tag):
    return 'untagged' if tag is None else 'tag %d' % tag


def _vm_port_step(port, iface, now, tag):
    detail = 'VM %s %s -> %s' % (iface, _tag_text(now), _tag_text(tag))
    if tag is None:
        return Step('link.set', 'ovs-vsctl', ['clear', 'Port', port, 'tag'], obj=port,
                    detail=detail)
    return Step('link.set', 'ovs-vsctl', ['set', 'Port', port, 'tag=%d' % tag], obj=port,
                detail=detail)


def _portgroup_steps(name, want, live):
    steps = []
    have = live['portgroups']
    for tenant, tag in sorted(want.items()):
        if have.get(tenant, -1) == tag:
            continue
        verb = 'modify' if tenant in have else 'add-last'
        steps.append(_virsh('run', name, 'net-update', name, verb, 'portgroup',
                            portgroup_xml(tenant, tag), '--live',
                            detail='portgroup %s %s' % (tenant, _tag_text(tag))))
    for tenant in sorted(set(have) - set(want)):
        steps.append(_virsh('run', name, 'net-update', name, 'delete', 'portgroup',
                            "<portgroup name='%s'/>" % tenant, '--live',
                            detail='portgroup %s' % tenant))
    return steps


def plan(want, have):
    if have is None:
        return []
    name = want['name']
    marker = marker_path(name)
    if not want['portgroups']:
        steps = []
        if have['live'] is not None:
            steps.append(_virsh('network.del', name, 'net-destroy', name))
        if have['config'] is not None:
            steps.append(_virsh('network.del', name, 'net-undefine', name))
        return steps + [Step('mark.del', 'rm', ['-f', '--', marker], obj=marker)]
    text = xml(name, want['bridge'], want['portgroups'])
    steps = []
    if have['marker'] != text:
        steps.append(Step('file.write', 'tee', [marker], obj=marker, stdin=text))
    config = have['config']
    if config is None or dict((k, config.get(k)) for k in FIELDS) != fields(want):
        # the definition on stdin, with the defined network's uuid if any
        steps.append(_virsh('network.add', name, 'net-define', '/dev/stdin', detail='definition',
                            stdin=xml(name, want['bridge'], want['portgroups'],
                                      (config or {}).get('uuid'))))
    if have['live'] is None:
        steps.append(_virsh('service.start', name, 'net-start', name))
    elif have['live']['bridge'] != want['bridge']:
        steps += [_virsh('service.stop', name, 'net-destroy', name, detail='new bridge'),
                  _virsh('service.start', name, 'net-start', name)]
    else:
        steps += _portgroup_steps(name, want['portgroups'], have['live'])
    if not have['autostart']:
        steps.append(_virsh('run', name, 'net-autostart', name, detail='autostart'))
    for port, now in sorted(have['ports'].items()):
        iface = now['iface_id']
        if iface in want['vms'] and now['tag'] != want['vms'][iface]:
            steps.append(_vm_port_step(port, iface, now['tag'], want['vms'][iface]))
        mtu = want.get('mtus', {}).get(iface)
        if mtu is not None and now.get('mtu') != mtu:
            steps.append(Step('link.set', 'ovs-vsctl',
                              ['set', 'Interface', port, 'mtu_request=%d' % mtu], obj=port,
                              detail='VM %s mtu %s -> %d' % (iface, now.get('mtu'), mtu)))
    return steps
