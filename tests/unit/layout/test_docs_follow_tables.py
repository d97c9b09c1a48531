"""Tunnel types are data (ovl.core.tunnels): the module choices, the
documentation and the tenant schema must say what the table says, so adding
a type is one row plus its parsers, never a grep."""
import json
import os

import pytest
import yaml

import ip_link
import ip_state
import overlay_preflight
import ovs_port
import ovs_state
import ovs_tunnel
from ansible.module_utils.ovl.core import tunnels
from ansible.module_utils.ovl.ip.model import LINK_KINDS
from ansible.module_utils.ovl.ovs.model import PORT_TYPES
from ansible.module_utils.ovl.inventory.hostvars import TUNNEL_MODES

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def doc(module):
    return yaml.safe_load(module.DOCUMENTATION)['options']


@pytest.mark.parametrize('module, path, expected', [
    (ovs_port, ['type'], PORT_TYPES),
    (ovs_state, ['ports', 'suboptions', 'type'], PORT_TYPES),
    (ovs_tunnel, ['type'], tunnels.OVS_TYPES),
    (ip_link, ['kind'], LINK_KINDS),
    (ip_state, ['links', 'suboptions', 'kind'], LINK_KINDS),
    (overlay_preflight, ['tunnel_mode'], TUNNEL_MODES),
])
def test_documented_choices_are_the_tables(module, path, expected):
    node = doc(module)
    for key in path:
        node = node[key]
    assert tuple(node['choices']) == tuple(expected)


def test_schema_tunnel_types_are_the_tables():
    with open(os.path.join(ROOT, 'schema', 'tenant.schema.json')) as handle:
        schema = json.load(handle)
    assert tuple(schema['properties']['tunnel_type']['enum']) == tunnels.NAMES


def test_every_type_row_is_complete():
    for kind in tunnels.TYPES:
        assert kind.overhead > 0 and len(kind.prefix) == 2 and kind.key_bits >= 24
        assert kind.ovs_type in PORT_TYPES
        assert kind.udp_port is None or 0 < kind.udp_port < 65536
