# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What ``ovs_state`` validates and plans (its options, the normalised
bridges and ports, the builder ``ovl.ovs.driver.OvsDriver`` runs)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.ovs.model import PORT_TYPES, normalize_bridge, normalize_port
from ansible.module_utils.ovl.ovs.driver import COMMON_ARGS, PLAN_IF_DOWN_ARG
from ansible.module_utils.ovl.core.marks import OWNER_KEY
from ansible.module_utils.ovl.ovs.plan import is_ours
from ansible.module_utils.ovl.ovs.plan_host import plan_state, resolve_tenant_tags
from ansible.module_utils.ovl.ovs.mirror import normalize_mirror, plan_mirrors
from ansible.module_utils.ovl.ovs.qos import normalize_shape, plan_shapes
from ansible.module_utils.ovl.core import validate as v

PORT_KEYS = dict(
    name=dict(type='str', required=True),
    bridge=dict(type='str', required=True),
    type=dict(type='str', default='system', choices=list(PORT_TYPES)),
    tenant=dict(type='str'),
    untagged=dict(type='bool', default=False),
    tag=dict(type='int'),
    trunks=dict(type='list', elements='int'),
    vlan_mode=dict(type='str'),
    protected=dict(type='bool', default=False),
    peer=dict(type='str'),
    options=dict(type='dict'),
    remote_ip=dict(type='str'),
    local_ip=dict(type='str'),
    key=dict(type='str', no_log=False),
    dst_port=dict(type='int'),
    mtu=dict(type='int'),
    external_ids=dict(type='dict'),
    iface_external_ids=dict(type='dict'),
    shape=dict(type='dict', options=dict(max_kbps=dict(type='int', required=True),
                                         burst_kbit=dict(type='int', required=True))),
)
MIRROR_KEYS = dict(
    name=dict(type='str', required=True),
    bridge=dict(type='str', required=True),
    ports=dict(type='list', elements='str', required=True),
    output=dict(type='str', required=True),
)
BRIDGE_KEYS = dict(
    name=dict(type='str', required=True),
    datapath_type=dict(type='str', choices=['system', 'netdev']),
    fail_mode=dict(type='str', choices=['secure', 'standalone']),
    mtu=dict(type='int'),
    other_config=dict(type='dict'),
    external_ids=dict(type='dict'),
)


def normalize(params):
    bridges = [normalize_bridge(b, 'bridges[%d].' % i) for i, b in enumerate(params['bridges'])]
    ports = [normalize_port(p, 'ports[%d].' % i) for i, p in enumerate(params['ports'])]
    for kind, items in (('bridges', bridges), ('ports', ports)):
        seen = set()
        for i, item in enumerate(items):
            if item['name'] in seen:
                raise ValueError('%s[%d].name: %r is listed twice' % (kind, i, item['name']))
            seen.add(item['name'])
    for i, name in enumerate(params.get('reopen') or []):
        v.ifname(name, 'reopen[%d]' % i)
    known = set(b['name'] for b in bridges)
    return bridges, ports, known


def normalize_mirrors(params):
    mirrors = [normalize_mirror(m, 'mirrors[%d].' % i)
               for i, m in enumerate(params.get('mirrors') or [])]
    seen = {}
    for i, mirror in enumerate(mirrors):
        if mirror['name'] in seen:
            raise ValueError('mirrors[%d].name: %r is listed twice' % (i, mirror['name']))
        seen[mirror['name']] = i
        if mirror['output'] in mirror['ports']:
            raise ValueError('mirrors[%d].output: %r is also one of its ports' % (i, mirror['output']))
    return mirrors


def normalize_shapes(params):
    """{port: shape or None} of every listed port (``ovl.ovs.qos``)."""
    return dict((p['name'], normalize_shape(p.get('shape'), 'ports[%d].shape.' % i))
                for i, p in enumerate(params['ports']))


def _mirror_ports_known(mirrors, ports, state):
    """Every port a mirror names is wanted on its bridge or already there."""
    where = dict((p['name'], p['bridge']) for p in ports)
    for name, port in state['ports'].items():
        where.setdefault(name, port['bridge'])
    for i, mirror in enumerate(mirrors):
        for name in mirror['ports'] + [mirror['output']]:
            if where.get(name) != mirror['bridge']:
                raise ValueError('mirrors[%d]: port %r is not on bridge %s (%s)' % (
                    i, name, mirror['bridge'], 'on %s' % where[name] if name in where
                    else 'no such port'))


def builder(params):
    bridges, ports, listed = normalize(params)
    mirrors = normalize_mirrors(params)
    shapes = normalize_shapes(params)

    def _build(state):
        for i, port in enumerate(ports):
            if port['bridge'] not in listed and port['bridge'] not in state['bridges']:
                raise ValueError('ports[%d].bridge: %r does not exist and is not listed in bridges'
                                 % (i, port['bridge']))
        for i, port in enumerate(ports):
            found = state['ports'].get(port['name'])
            if port.get('tenant') and found is not None and not is_ours(found, params['owner']):
                raise ValueError(
                    'ports[%d].name: %r (tenant %s) exists on bridge %s and is not ours (no '
                    'external_ids:%s=%s): the project does not take over a port it did not '
                    'make, and a tenant VLAN on it would not be stable; remove it (ovs-vsctl '
                    'del-port %s %s) or change the owner back'
                    % (i, port['name'], port['tenant'], found['bridge'], OWNER_KEY,
                       params['owner'], found['bridge'], port['name']))
        resolved, tags = resolve_tenant_tags(ports, state, params['owner'])
        wanted = set(p['name'] for p in ports)
        reopen = sorted(n for n in params['reopen'] or [] if n in wanted and n in state['ports'])
        pre = [['del-port', state['ports'][n]['bridge'], n] for n in reopen]
        cmds, before, after, warnings = plan_state(bridges, resolved, without(state, reopen),
                                                   params['owner'], params['prune'])
        if mirrors or state.get('mirrors'):
            _mirror_ports_known(mirrors, ports, state)
            gone = set(name for name, view in after['bridges'].items() if view is None)
            more, before['mirrors'], after['mirrors'] = plan_mirrors(
                mirrors, state, params['owner'], params['prune'], gone)
            cmds += more
        deleted = set(n for n, view in after['ports'].items() if view is None) - set(reopen)
        more, post, before['shapes'], after['shapes'], notes = plan_shapes(
            shapes, state, params['owner'], deleted | set(reopen), deleted)
        cmds += more
        warnings = list(warnings) + notes
        return cmds, before, after, {'tenant_tags': tags, 'warnings_detail': warnings,
                                     'pre_transaction': pre, 'post_transaction': post,
                                     'reopened': reopen}
    return _build


def without(state, names):
    """*state* as if the ports *names* were not there (they are re-added)."""
    if not names:
        return state
    ports = dict((k, v) for k, v in state['ports'].items() if k not in names)
    bridges = dict((k, dict(v, ports=[p for p in v['ports'] if p not in names]))
                   for k, v in state['bridges'].items())
    # a deleted port leaves the mirrors that select it (weak references)
    mirrors = dict((uuid, dict(m, select_src_port=[p for p in m['select_src_port'] if p not in names],
                               select_dst_port=[p for p in m['select_dst_port'] if p not in names],
                               output_port=None if m['output_port'] in names else m['output_port']))
                   for uuid, m in (state.get('mirrors') or {}).items())
    return dict(state, ports=ports, bridges=bridges, mirrors=mirrors)


# ovs_state's options (overlay_apply's ovs layer takes the same)
ARGUMENT_SPEC = dict(
    bridges=dict(type='list', elements='dict', default=[], options=BRIDGE_KEYS),
    ports=dict(type='list', elements='dict', default=[], options=PORT_KEYS),
    mirrors=dict(type='list', elements='dict', default=[], options=MIRROR_KEYS),
    prune=dict(type='bool', default=False),
    reopen=dict(type='list', elements='str', default=[]),
    **dict(COMMON_ARGS, **PLAN_IF_DOWN_ARG)
)
