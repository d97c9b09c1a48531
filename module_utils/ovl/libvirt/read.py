# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What a host has of the libvirt network and of its VMs' ports:

- ``marker``: the definition we wrote (``core.marks.LIBVIRT_DIR``/NAME.xml),
  None when we never made the network (then a network of that name is
  someone else's);
- ``config`` and ``live``: ``virsh net-dumpxml`` (``--inactive``) parsed
  (``ovl.libvirt.network.parse``), None when undefined / not running;
- ``autostart``;
- ``ports``: {OVS port: {iface_id, tag, mtu (its ``mtu_request``), mac}} of the ports libvirt made for
  VMs (their interface holds ``iface-id`` and ``vm-id``); none when Open
  vSwitch does not answer.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.ovl.core.files import read_text
from ansible.module_utils.ovl.core.marks import LIBVIRT_DIR
from ansible.module_utils.ovl.core.runner import CommandError
from ansible.module_utils.ovl.libvirt.network import parse
from ansible.module_utils.ovl.ovs.read import parse_state, read_argv

URI = 'qemu:///system'
VIRSH = ['virsh', '-c', URI, '-q']


def marker_path(name, root=LIBVIRT_DIR):
    return os.path.join(root, name + '.xml')


def _virsh(runner, host, *args):
    """(rc, stdout, stderr); CommandError when libvirtd does not answer."""
    rc, out, err = runner.run(VIRSH + list(args))
    if rc != 0 and ('failed to connect' in err.lower() or 'no such file' in err.lower()):
        raise CommandError('%s: libvirtd does not answer on %s (%s): start it (systemctl start '
                           'libvirtd); the host has VM endpoints' % (host, URI, err.strip()))
    return rc, out, err


def dump(runner, host, name, *flags):
    rc, out, err = _virsh(runner, host, 'net-dumpxml', name, *flags)
    if rc != 0:
        return None
    return parse(out)


def vm_ports(state):
    """{port: {iface_id, tag, mtu, mac}} of the OVS ports libvirt made for VMs."""
    out = {}
    for name, port in (state or {}).get('ports', {}).items():
        ids = port.get('interface_external_ids') or {}
        if ids.get('iface-id') and ids.get('vm-id'):
            out[name] = dict(iface_id=ids['iface-id'], tag=port.get('tag') or None,
                             mtu=port.get('mtu'), mac=(ids.get('attached-mac') or '').lower())
    return out


def read(runner, host, name, wanted, root=LIBVIRT_DIR):
    """None when there is nothing of ours and nothing is wanted (one stat)."""
    marker = read_text(marker_path(name, root))
    if marker is None and not wanted:
        return None
    config = dump(runner, host, name, '--inactive')
    info = {}
    if config is not None:
        out = _virsh(runner, host, 'net-info', name)[1]
        info = dict((k.strip(), v.strip()) for k, v in
                    (line.split(':', 1) for line in out.splitlines() if ':' in line))
    live = dump(runner, host, name) if info.get('Active') == 'yes' else None
    rc, out, _err = runner.run(read_argv())
    # Open vSwitch not answering (check mode on a host where it is not started
    # yet): no VM ports to correct; the ovs layer says what is wrong
    return dict(marker=marker, config=config, live=live, autostart=info.get('Autostart') == 'yes',
                ports=vm_ports(parse_state(out)) if rc == 0 else {})
