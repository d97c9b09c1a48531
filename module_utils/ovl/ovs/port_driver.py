# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The build step shared by the per-port modules (ovs_port, ovs_tunnel): one
port through the same whole-host planner, without pruning."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.validate import ifname
from ansible.module_utils.ovl.ovs.model import normalize_port
from ansible.module_utils.ovl.ovs.plan import plan_port_absent
from ansible.module_utils.ovl.ovs.plan_host import PORT_VIEW, plan_state, view


def port_builder(params):
    """Validate now (before any read) and return build(state)."""
    if params['state'] == 'absent':
        name = ifname(params['name'], 'name')
        bridge = ifname(params['bridge'], 'bridge') if params.get('bridge') else None

        def _absent(state):
            have = state['ports'].get(name)
            cmds = plan_port_absent(name, state, bridge)
            return cmds, view(have, PORT_VIEW), None, {}
        return _absent

    want = normalize_port(params)

    def _present(state):
        if want['bridge'] not in state['bridges']:
            raise ValueError('bridge: %r does not exist; create it first (ovs_bridge)'
                             % want['bridge'])
        cmds, before, after, _warnings = plan_state([], [want], state, params['owner'])
        name = want['name']
        return cmds, before['ports'][name], after['ports'][name], {}
    return _present
