# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Turn module parameters into normalised desired OVS objects, validating
every value with a message that names the field (``ports[3].tag``)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core import tunnels
from ansible.module_utils.ovl.core import validate as v

PORT_TYPES = ('system', 'internal', 'patch') + tunnels.OVS_TYPES
VLAN_MODES = ('access', 'trunk', 'native-tagged', 'native-untagged', 'dot1q-tunnel')
DATAPATH_TYPES = ('system', 'netdev')
FAIL_MODES = ('secure', 'standalone')


def _field(prefix, name):
    return '%s%s' % (prefix, name)


def string_map(value, field):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise v.InputError(field, value, 'is not a mapping')
    out = {}
    for key, val in value.items():
        if not isinstance(key, str) or not v.MAP_KEY_RE.match(key):
            raise v.InputError(field, key, 'has a key that is not 1-64 of [A-Za-z0-9_.:-]')
        out[key] = None if val is None else v.one_line(val, '%s.%s' % (field, key))
    return out


def tunnel_options(ptype, remote_ip, key, dst_port=None, local_ip=None, prefix=''):
    """Interface options of a tunnel port of OVS type *ptype*, validated: the
    UDP port only for a UDP encapsulation (``ovl.core.tunnels``)."""
    kind = tunnels.BY_OVS_TYPE[ptype]
    if remote_ip is None:
        raise v.InputError(_field(prefix, 'remote_ip'), remote_ip,
                           'is required for a %s port' % ptype)
    options = {}
    options['remote_ip'] = ('flow' if str(remote_ip) == 'flow'
                            else v.ip_address(remote_ip, _field(prefix, 'remote_ip')))
    if key is None:
        raise v.InputError(_field(prefix, 'key'), key,
                           'is required for a %s port (VNI or flow)' % ptype)
    options['key'] = 'flow' if str(key) == 'flow' else str(v.vni(key, _field(prefix, 'key')))
    if kind.udp_port is not None:
        options['dst_port'] = str(v.port_number(kind.udp_port if dst_port is None else dst_port,
                                                _field(prefix, 'dst_port')))
    elif dst_port is not None:
        raise v.InputError(_field(prefix, 'dst_port'), dst_port,
                           'is only for UDP tunnels (%s is not one)' % ptype)
    if local_ip:
        options['local_ip'] = v.ip_address(local_ip, _field(prefix, 'local_ip'))
    return options


def trunk(value, field):
    """A VLAN a trunk port carries: 1-4094, or 0 (OVS's VLAN of untagged
    frames: ``trunks=[0]`` carries the untagged ones only)."""
    if value == 0 and not isinstance(value, bool):
        return 0
    return v.vlan_tag(value, field)


def normalize_bridge(params, prefix=''):
    br = {'name': v.ifname(params.get('name'), _field(prefix, 'name'))}
    for key, choices in (('datapath_type', DATAPATH_TYPES), ('fail_mode', FAIL_MODES)):
        value = params.get(key)
        if value is not None and value not in choices:
            raise v.InputError(_field(prefix, key), value, 'is not one of %s' % ', '.join(choices))
        br[key] = value
    br['mtu'] = v.mtu(params['mtu'], _field(prefix, 'mtu')) if params.get('mtu') else None
    br['other_config'] = string_map(params.get('other_config'), _field(prefix, 'other_config'))
    br['external_ids'] = string_map(params.get('external_ids'), _field(prefix, 'external_ids'))
    return br


def normalize_port(params, prefix=''):
    """A desired port; tunnel ports take remote_ip/key/dst_port/local_ip as
    options or as top-level fields (ovs_tunnel)."""
    def f(name):
        return _field(prefix, name)

    port = {'name': v.ifname(params.get('name'), f('name')),
            'bridge': v.ifname(params.get('bridge'), f('bridge'))}
    ptype = params.get('type') or 'system'
    if ptype not in PORT_TYPES:
        raise v.InputError(f('type'), ptype, 'is not one of %s' % ', '.join(PORT_TYPES))
    port['type'] = ptype
    port['tag'] = None if params.get('tag') is None else v.vlan_tag(params['tag'], f('tag'))
    trunks = params.get('trunks') or []
    port['trunks'] = sorted(set(trunk(t, '%s[%d]' % (f('trunks'), i))
                                for i, t in enumerate(trunks)))
    mode = params.get('vlan_mode')
    if mode is not None and mode not in VLAN_MODES:
        raise v.InputError(f('vlan_mode'), mode, 'is not one of %s' % ', '.join(VLAN_MODES))
    port['vlan_mode'] = mode
    port['protected'] = bool(params.get('protected'))
    port['mtu'] = v.mtu(params['mtu'], f('mtu')) if params.get('mtu') else None
    options = string_map(params.get('options'), f('options'))
    if ptype in tunnels.OVS_TYPES:
        options = dict(options)

        def pick(key):
            return params.get(key) if params.get(key) is not None else options.get(key)

        options.update(tunnel_options(ptype, pick('remote_ip'), pick('key'), pick('dst_port'),
                                      pick('local_ip'), prefix))
    if ptype == 'patch':
        peer = params.get('peer') or options.get('peer')
        options['peer'] = v.ifname(peer, f('peer'))
        if options['peer'] == port['name']:
            raise v.InputError(f('peer'), peer, 'is the port itself; a patch peer is another port')
    port['options'] = dict((k, val) for k, val in options.items() if val is not None)
    port['external_ids'] = string_map(params.get('external_ids'), f('external_ids'))
    # the Interface's own (OVN binds a logical port by external_ids:iface-id)
    port['iface_external_ids'] = string_map(params.get('iface_external_ids'),
                                            f('iface_external_ids'))
    tenant = params.get('tenant')
    if tenant is not None:
        port['tenant'] = v.label(tenant, f('tenant'))
    port['untagged'] = bool(params.get('untagged'))
    return port
