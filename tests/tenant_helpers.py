"""Shared data for the tenant and filter tests (no mocks: real files, and
records made by the same validation the module runs)."""
import os

from ansible.module_utils.ovl.inventory.hostvars import host_facts
from ansible.module_utils.ovl.inventory.load import find_schema, load_inventory, load_tenants
from ansible.module_utils.ovl.tenant.model import Endpoint, Inventory, Tenant
from ansible.module_utils.ovl.inventory.schema import load_schema

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE_DIR = os.path.join(ROOT, 'inventory', 'tenants')
BROKEN_DIR = os.path.join(ROOT, 'tests', 'data', 'tenants')
SCHEMA = load_schema(find_schema(EXAMPLE_DIR))

# the hosts of the broken-fixture cases (tests/data/tenants/README.md)
HOSTS = {
    'host1': {'overlay_underlay_ip': '192.168.250.11'},
    'host2': {'overlay_underlay_ip': '192.168.250.12', 'overlay_underlay_mtu': 1500},
    'host3': {'overlay_underlay_ip': '192.168.250.13', 'overlay_underlay_mtu': 1400},
}

HOSTVARS = {
    'host1': {'overlay_underlay_ip': '192.168.250.11', 'overlay_underlay_interface': 'eth0'},
    'host2': {'overlay_underlay_ip': '192.168.250.12', 'overlay_underlay_interface': 'ens3'},
}
H3 = dict(HOSTVARS, host3={'overlay_underlay_ip': '192.168.250.13'})

NETDEV = {
    'host1': dict(HOSTVARS['host1'], overlay_datapath_type='netdev'),
    'host2': dict(HOSTVARS['host2'], overlay_datapath_type='netdev'),
}


def load(directory, hosts=None, base_dir=None, play=None):
    return load_tenants(directory, HOSTS if hosts is None else hosts, SCHEMA,
                        base_dir=base_dir or directory, play=play)


def write(tmp_path, name, text):
    """A tenant file *name* with *text* in the directory *tmp_path*."""
    (tmp_path / name).write_text(text)


def tenant(name, vni, subnet='10.0.0.0/24', snat=False, endpoints=(), mtu=1450, gateway=None,
           tunnel_type='vxlan'):
    """A normalised tenant record as overlay_tenants makes it."""
    prefix = int(subnet.split('/')[1])
    eps = sorted((Endpoint(n, h, ip, prefix) for n, h, ip in endpoints),
                 key=lambda e: (e.name, e.host))
    return Tenant(name=name, vni=vni, subnet=subnet, prefixlen=prefix,
                  gateway=gateway or subnet.rsplit('.', 1)[0] + '.1', snat=snat, mtu=mtu,
                  endpoints=tuple(eps), file='inventory/tenants/%s.yml' % name,
                  tunnel_type=tunnel_type)


def inventory(tenants, hostvars=None, mode='port', **play):
    """An Inventory of *tenants* over validated host variables."""
    values = dict((k, dict(v)) for k, v in (HOSTVARS if hostvars is None else hostvars).items())
    play = dict(('overlay_' + k, v) for k, v in play.items())
    play['overlay_tunnel_mode'] = mode
    facts, errors = host_facts(values, play)
    assert errors == []
    return Inventory(tuple(sorted(tenants, key=lambda t: t.name)),
                     tuple(facts[n] for n in sorted(facts)))


def example_inventory(hostvars=None, mode='port'):
    inv, errors = load_inventory(EXAMPLE_DIR, HOSTVARS if hostvars is None else hostvars,
                                 SCHEMA, base_dir=ROOT, play={'overlay_tunnel_mode': mode})
    assert errors == []
    return inv


def example_tenants():
    return list(example_inventory().tenants)


def facts(inv, host, interface=None):
    """The host's facts, with the underlay interface its preflight would find."""
    found = inv.host(host)
    return found.discovered({'underlay_interface': interface}) if interface else found
