# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What a host needs for a run, and what it lacks. The judgement is pure
(``judge``); the probes (``probe_*``) only read the machine.

A run needs, whatever the tenants:
- ``ip`` (iproute2), ``ovs-vsctl`` and ``ovs-ofctl`` (openvswitch-switch);
- the NAT backend's tools: ``iptables-save``/``iptables-restore`` (iptables)
  or ``nft`` (nftables) (the NAT step always runs: it prunes our rules);
- tunnel mode ``kernel``: ``bridge`` (iproute2) and the kernel's vxlan;
- datapath ``system``: the kernel's openvswitch module.
TX checksum offload and sysctls are set in the module process (SIOCETHTOOL,
/proc/sys), so neither ``ethtool`` nor ``sysctl`` is needed.

A missing tool is *installable* (its Debian/Ubuntu package is named); a
kernel without vxlan or openvswitch is not, and fails the host at once.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.ovl.core.files import pid_alive
from ansible.module_utils.ovl.host import layers

PACKAGE = {
    'ip': 'iproute2', 'bridge': 'iproute2',
    'ovs-vsctl': 'openvswitch-switch', 'ovs-ofctl': 'openvswitch-switch',
    'iptables-save': 'iptables', 'iptables-restore': 'iptables',
    'nft': 'nftables',
    # OVN (overlay_backend ovn): every host a chassis, the central host more
    'ovn-controller': 'ovn-host', 'ovn-northd': 'ovn-central', 'ovn-nbctl': 'ovn-central',
}
KERNEL_MODULES = {'vxlan': 'vxlan', 'openvswitch': 'openvswitch'}


def required_tools(args):
    """The binaries the layers run on this host (``ovl.host.layers.tools``),
    then those its endpoints' kinds need (``endpoint_tools``)."""
    tools = layers.tools(args)
    return tools + sorted(t for t in args.get('endpoint_tools') or {} if t not in tools)


def package_of(args, tool):
    return PACKAGE.get(tool) or (args.get('endpoint_tools') or {}).get(tool) or tool


def required_modules(args):
    """Kernel modules the run needs: {module: what needs it}."""
    needed = {}
    if args['tunnel_mode'] == 'kernel':
        needed['vxlan'] = 'overlay_tunnel_mode kernel (kernel VXLAN devices)'
    if args['datapath_type'] == 'system':
        needed['openvswitch'] = ('overlay_datapath_type system (the kernel datapath); use '
                                 'overlay_datapath_type netdev on hosts without it')
    return needed


def judge(args, tools, modules):
    """(problems, missing, warnings).

    *tools*: {tool: path or None}; *modules*: {module: True (loaded or
    present), False (absent from the kernel's module tree), None (cannot
    tell: no module tree, e.g. a container)}. *problems*: the host cannot
    run (one line each); *missing*: [{tool, package}] installable.
    """
    problems, warnings = [], []
    missing = [dict(tool=tool, package=package_of(args, tool)) for tool in required_tools(args)
               if not tools.get(tool)]
    for module, why in sorted(required_modules(args).items()):
        state = modules.get(module)
        if state is False:
            problems.append('the kernel (%s) has no %s module, needed by %s'
                            % (os.uname()[2], module, why))
        elif state is None:
            warnings.append('cannot tell whether the kernel has the %s module (no module tree '
                            'under /lib/modules); needed by %s' % (module, why))
    return problems, missing, warnings


def missing_line(missing):
    packages = sorted(set(m['package'] for m in missing))
    return ('missing %s: install %s (apt-get install %s), or let the play install them '
            '(overlay_install_packages: true)' % (
                ', '.join(sorted(m['tool'] for m in missing)), ', '.join(packages),
                ' '.join(packages)))


def probe_module(name, root='/'):
    """True: loaded, built in, or in the module tree; False: the tree exists
    and has no such module; None: no tree to look in."""
    if os.path.isdir(os.path.join(root, 'sys/module', name)):
        return True
    tree = os.path.join(root, 'lib/modules', os.uname()[2])
    if not os.path.isdir(tree):
        return None
    wanted = ('/%s.ko' % name, '/%s.ko.' % name)
    for index in ('modules.builtin', 'modules.dep'):
        try:
            with open(os.path.join(tree, index)) as handle:
                for line in handle:
                    path = '/' + line.split(':', 1)[0].strip()
                    if path.endswith(wanted[0]) or wanted[1] in path:
                        return True
        except (IOError, OSError):
            continue
    return False


def ovn_daemons(args):
    """The OVN daemons this host runs (their pid file names): none with
    the ovs backend; ovn-controller on every chassis; the central also
    ovn-northd and the two database servers."""
    if args.get('backend') != 'ovn':
        return []
    central = ['ovnnb_db', 'ovnsb_db', 'ovn-northd'] if args.get('ovn_central') else []
    return central + ['ovn-controller']


def probe_daemon(rundir, name):
    """True when ``<rundir>/<name>.pid`` names a live process."""
    return pid_alive(os.path.join(rundir, name + '.pid'))


def rundir_of(db):
    """The OVS run directory of ``--db`` *db* (default /run/openvswitch)."""
    if db and db.startswith('unix:'):
        return os.path.dirname(db[len('unix:'):])
    return os.environ.get('OVS_RUNDIR') or '/var/run/openvswitch'
