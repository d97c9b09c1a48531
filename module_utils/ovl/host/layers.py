# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The layers of a host, one record each, in the order they converge (the
last, ``boot``, saves what converges the others again at boot). One
table: ``overlay_apply`` (its options, the order, each layer's input and
driver), the controller's tag selection, the preflight's tool list and the
drift report read it. A new layer is one row here plus its own package.

A record:

- ``name``, ``tags``: the role tags that select it (``--tags snat``);
- ``spec``: its module's argument spec (None: a flag, no options);
- ``driver(module, params)``: the object that normalizes, reads, plans and
  writes it (``ovl.core.result.Driver``);
- ``build(state, params)``: its input from ``ovl.tenant.host_state`` (None:
  nothing to do on this host);
- ``takes``: {option: (earlier layer, result key)}: what it takes from an
  earlier layer's result (the devices and namespaces that layer made), set
  after that layer ran, never by editing another layer's options;
- ``tools(facts)``: the binaries it runs on a host with these facts;
- ``drift(result)``: its check-mode result as drift rows (``ovl.report``);
- ``keys``: the result keys ``drift`` reads;
- ``backends``: the backends (``overlay_backend``) it serves: with ``ovn``,
  OVN routes and tunnels and ovn-controller owns br-int's flows, so the ovs
  backend's flow and forward layers do not run, the chassis and NB layers
  join, and the NAT and floating layers run to prune what the ovs backend
  left (a fleet switching backends); with ``ovs``, ``ovn_leave`` undoes
  what OVN left.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible.module_utils.ovl.core.marks import NAT_READS
from ansible.module_utils.ovl.dhcp import drift as dhcp_drift
from ansible.module_utils.ovl.docker import drift as docker_drift
from ansible.module_utils.ovl.flows import drift as flows_drift
from ansible.module_utils.ovl.floating import drift as floating_drift
from ansible.module_utils.ovl.ip import drift as ip_drift
from ansible.module_utils.ovl.libvirt import drift as libvirt_drift
from ansible.module_utils.ovl.nat import drift as nat_drift
from ansible.module_utils.ovl.ovs import drift as ovs_drift
from ansible.module_utils.ovl.ovn import drift as ovn_drift

Layer = collections.namedtuple('Layer', 'name tags spec driver build takes tools drift keys backends')
BOTH, OVS, OVN = ('ovs', 'ovn'), ('ovs',), ('ovn',)

NAT_TOOLS = {'iptables': ('iptables-save', 'iptables-restore'), 'nft': ('nft',)}


def ovs_timeout(params, state):
    """The OVS transaction's timeout: as given, else one that grows with the
    port count (the userspace datapath opens ports slowly: 1500 ports at
    T=500 did not fit in 10 s on a loaded 2-core host), at least 30 s."""
    if params['ovs_timeout'] is not None:
        return params['ovs_timeout']
    return max(30, len(state['ovs']['ports']) // 5)


def _owned(state, extra=None):
    """Every layer built from the model prunes; the owner is the host's."""
    return dict(extra or {}, owner=state['facts']['owner'], prune=True)


def _forward_drift(result):
    return [dict(kind='sysctl', object='net.ipv4.ip_forward', state='different',
                 detail='not 1', owner=None)]


# The drivers and their specs are imported when a layer runs (on the host,
# in overlay_apply), not when the table is read: the controller reads it for
# every host's tag selection and drift report, and importing every driver
# there cost ~50 ms per worker process (measured with bench/ab.py). The
# imports are static statements, so Ansible still ships the drivers with
# overlay_apply.


def _ip_spec():
    from ansible.module_utils.ovl.ip.driver import STATE_SPEC
    return STATE_SPEC


def _ip_driver(module, p):
    from ansible.module_utils.ovl.ip.driver import IpDriver
    from ansible.module_utils.ovl.ip.model import want_aggregate
    return IpDriver(module, p, make_want=lambda: want_aggregate(p))


def _ovs_spec():
    from ansible.module_utils.ovl.ovs.state_driver import ARGUMENT_SPEC
    return ARGUMENT_SPEC


def _ovs_driver(module, p):
    from ansible.module_utils.ovl.ovs.driver import OvsDriver
    from ansible.module_utils.ovl.ovs.state_driver import builder
    return OvsDriver(module, builder, p)


def _flows_spec():
    from ansible.module_utils.ovl.flows.driver import ARGUMENT_SPEC
    return ARGUMENT_SPEC


def _flows_driver(module, p):
    from ansible.module_utils.ovl.flows.driver import FlowsDriver
    return FlowsDriver(module, p)


def _move_spec():
    from ansible.module_utils.ovl.ip.move_driver import ARGUMENT_SPEC
    return ARGUMENT_SPEC


def _move_driver(module, p):
    from ansible.module_utils.ovl.ip.move_driver import MoveDriver
    return MoveDriver(module, p)


def _forward_driver(module, p):
    from ansible.module_utils.ovl.host.forward import ForwardDriver
    return ForwardDriver(module)


def _nat_spec():
    from ansible.module_utils.ovl.nat.driver import ARGUMENT_SPEC
    return ARGUMENT_SPEC


def _nat_driver(module, p):
    from ansible.module_utils.ovl.nat.driver import NatDriver, want_of
    return NatDriver(module, p, make_want=lambda: want_of(p))


def _floating_spec():
    from ansible.module_utils.ovl.floating.driver import ARGUMENT_SPEC
    return ARGUMENT_SPEC


def _floating_driver(module, p):
    from ansible.module_utils.ovl.floating.driver import FloatingDriver
    return FloatingDriver(module, p)


def _chassis_spec():
    from ansible.module_utils.ovl.ovn.chassis import ARGUMENT_SPEC
    return ARGUMENT_SPEC


def _chassis_driver(module, p):
    from ansible.module_utils.ovl.ovn.chassis import ChassisDriver
    return ChassisDriver(module, p)


def _nb_spec():
    from ansible.module_utils.ovl.ovn.nb_driver import ARGUMENT_SPEC
    return ARGUMENT_SPEC


def _nb_driver(module, p):
    from ansible.module_utils.ovl.ovn.nb_driver import OvnNbDriver
    return OvnNbDriver(module, p)


def _leave_spec():
    from ansible.module_utils.ovl.ovn.leave import ARGUMENT_SPEC
    return ARGUMENT_SPEC


def _leave_driver(module, p):
    from ansible.module_utils.ovl.ovn.leave import OvnLeaveDriver
    return OvnLeaveDriver(module, p)


def _docker_spec():
    from ansible.module_utils.ovl.docker.driver import ARGUMENT_SPEC
    return ARGUMENT_SPEC


def _docker_driver(module, p):
    from ansible.module_utils.ovl.docker.driver import DockerDriver
    return DockerDriver(module, p)


def _libvirt_spec():
    from ansible.module_utils.ovl.libvirt.driver import ARGUMENT_SPEC
    return ARGUMENT_SPEC


def _libvirt_driver(module, p):
    from ansible.module_utils.ovl.libvirt.driver import LibvirtDriver
    return LibvirtDriver(module, p)


def _dhcp_spec():
    from ansible.module_utils.ovl.dhcp.driver import ARGUMENT_SPEC
    return ARGUMENT_SPEC


def _dhcp_driver(module, p):
    from ansible.module_utils.ovl.dhcp.driver import DhcpDriver
    return DhcpDriver(module, p)


def _boot_spec():
    from ansible.module_utils.ovl.host.boot import ARGUMENT_SPEC
    return ARGUMENT_SPEC


def _boot_driver(module, p):
    from ansible.module_utils.ovl.host.boot import BootDriver
    return BootDriver(module, p)


def _boot_build(state, params):
    from ansible.module_utils.ovl.host.boot import saved_of
    return dict(saved=saved_of(params))


def _boot_drift(result):
    """What the boot unit would converge from is not this run's state."""
    return [dict(kind='boot-file' if op == 'file.write' else 'boot-unit', object=obj,
                 state='different', detail=detail, owner=None)
            for op, obj, detail in result.get('changes') or [] if obj]


LAYERS = (
    Layer('ovn_leave', ('ovs', 'tunnels'), _leave_spec, _leave_driver,  # OVN no more: undo it
          lambda state, params: dict(owner=state['facts']['owner'],
                                     bridge=state['facts']['integration_bridge']),
          {}, lambda facts: [], ovn_drift.leave_drift, ('changes',), OVS),
    Layer('ip', ('endpoints', 'snat', 'tunnels'), _ip_spec, _ip_driver,  # namespaces, veths, addresses, routes
          lambda state, params: dict(state['ip'], **_owned(state)),
          {}, lambda facts: ['ip'] + (['bridge'] if facts['tunnel_mode'] == 'kernel' else []),
          ip_drift.drift, ('changes',), BOTH),
    Layer('ovs', ('ovs', 'tunnels', 'endpoints'), _ovs_spec, _ovs_driver,  # one OVSDB transaction
          lambda state, params: dict(state['ovs'], plan_if_down=params['plan_if_down'],
                                     timeout=ovs_timeout(params, state), **_owned(state)),
          {'reopen': ('ip', 'created')}, lambda facts: ['ovs-vsctl', 'ip'],
          ovs_drift.drift, ('diff',), BOTH),
    Layer('int_flows', ('ovs', 'tunnels', 'snat'), _flows_spec, _flows_driver,  # gateway ARP stays local
          lambda state, params: dict(state['int_flows'], prune=True),
          {}, lambda facts: ['ovs-ofctl'], flows_drift.drift, ('diff',), OVS),
    Layer('tun_flows', ('ovs', 'tunnels'), _flows_spec, _flows_driver,  # flow mode: br-tun's pipeline
          lambda state, params: dict(state['tun_flows'], prune=True) if state['tun_flows'] else None,
          {}, lambda facts: ['ovs-ofctl'] if facts['tunnel_mode'] == 'flow' else [],
          flows_drift.drift, ('diff',), OVS),
    Layer('underlay', ('ovs', 'tunnels'), _move_spec, _move_driver,  # netdev: VTEP address onto br-phy
          lambda state, params: state['underlay'],
          {}, lambda facts: ['ip'], ip_drift.underlay_drift, ('changes',), BOTH),
    Layer('chassis', ('ovs', 'tunnels'), _chassis_spec, _chassis_driver,  # OVN: join the central
          lambda state, params: state['chassis'],
          {}, lambda facts: ['ovs-vsctl', 'ovn-controller'], ovn_drift.chassis_drift, ('diff',),
          OVN),
    Layer('ovn_nb', ('ovs', 'tunnels', 'endpoints', 'snat'), _nb_spec, _nb_driver,  # OVN: one NB txn
          lambda state, params: state['ovn_nb'],
          {'gateway_chassis': ('chassis', 'system_ids')},
          lambda facts: ['ovn-northd', 'ovn-nbctl'] if facts.get('ovn_central') else [],
          ovn_drift.nb_drift, ('diff',), OVN),
    Layer('forward', ('snat',), lambda: None, _forward_driver,    # the host routes IPv4
          lambda state, params: state['forward'],
          {}, lambda facts: [], _forward_drift, (), OVS),
    Layer('nat', ('snat',), _nat_spec, _nat_driver,               # SNAT and inbound block per router
          lambda state, params: dict(state['nat'], backend=state['facts']['nat_backend'],
                                     keep_reads=NAT_READS, **_owned(state)),
          {'fresh': ('ip', 'made_namespaces')},
          lambda facts: list(NAT_TOOLS[facts['nat_backend']]), nat_drift.drift, ('diff',), BOTH),
    Layer('floating', ('snat', 'publish'), _floating_spec, _floating_driver,  # floating addresses
          lambda state, params: dict(state['floating'], **_owned(state)),
          {}, lambda facts: ['ip'], floating_drift.drift, ('changes', 'floating'), BOTH),
    Layer('docker', ('endpoints', 'containers'), _docker_spec, _docker_driver,  # the plugin, networks
          lambda state, params: dict(config=state['docker'], owner=state['facts']['owner'],
                                     host=state['facts']['name']),
          {}, lambda facts: [], docker_drift.drift, ('changes', 'workloads'), BOTH),
    Layer('libvirt', ('endpoints', 'vms'), _libvirt_spec, _libvirt_driver,  # network, VM ports
          lambda state, params: dict(state['libvirt'], host=state['facts']['name']),
          {}, lambda facts: [], libvirt_drift.drift, ('changes', 'vm_ports'), BOTH),
    Layer('dhcp', ('endpoints', 'vms', 'dhcp'), _dhcp_spec, _dhcp_driver,  # dnsmasq per tenant
          lambda state, params: dict(servers=state['dhcp'], **_owned(state)),
          {}, lambda facts: [], dhcp_drift.drift, ('changes', 'servers'), BOTH),
    Layer('boot', ('endpoints', 'containers', 'vms', 'dhcp', 'ovs', 'tunnels', 'snat', 'publish'),
          _boot_spec,
          _boot_driver,                                           # systemd: converged at boot
          _boot_build, {}, lambda facts: [], _boot_drift, ('changes',), BOTH),
)
BY_NAME = dict((layer.name, layer) for layer in LAYERS)
NAMES = tuple(layer.name for layer in LAYERS)
# what every layer's result says, whatever the layer
COMMON_KEYS = ('changed', 'skipped', 'failed', 'msg')


def result_keys(name):
    """The keys of layer *name*'s result the drift report reads."""
    return COMMON_KEYS + BY_NAME[name].keys


def tools(facts):
    """The binaries a host with *facts* (tunnel_mode, nat_backend) runs, in
    table order, each once."""
    out = []
    for layer in LAYERS:
        if facts.get('backend', 'ovs') in layer.backends:
            out.extend(t for t in layer.tools(facts) if t not in out)
    return out


def selected(run_tags=None, skip_tags=None):
    """The layers a run with these ``ansible_run_tags``/``ansible_skip_tags``
    converges, in order, with Ansible's own rules: ``all`` (the default) and
    ``tagged`` select every layer, a tag selects the layers that carry it;
    a skipped tag (or ``all``/``tagged`` skipped) drops every layer that
    carries it. ``always`` is not a tag of any layer."""
    run = set(run_tags or ['all'])
    skip = set(skip_tags or [])
    out = []
    for layer in LAYERS:
        if skip & ({'all', 'tagged'} | set(layer.tags)):
            continue
        if run & {'all', 'tagged'} or run & set(layer.tags):
            out.append(layer.name)
    return out
