"""Shared data for the tenant and filter tests (no mocks: real files)."""
import os

from ansible.module_utils.ovl.tenant.inventory import find_schema, load_tenants
from ansible.module_utils.ovl.tenant.schema import load_schema

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE_DIR = os.path.join(ROOT, 'inventory', 'tenants')
BROKEN_DIR = os.path.join(ROOT, 'tests', 'data', 'tenants')
SCHEMA = load_schema(find_schema(EXAMPLE_DIR))

HOSTS = {
    'host1': {'underlay_ip': '192.168.250.11'},
    'host2': {'underlay_ip': '192.168.250.12', 'underlay_mtu': 1500},
    'host3': {'underlay_ip': '192.168.250.13', 'underlay_mtu': 1400},
}

HOSTVARS = {
    'host1': {'overlay_underlay_ip': '192.168.250.11', 'overlay_underlay_interface': 'eth0'},
    'host2': {'overlay_underlay_ip': '192.168.250.12', 'overlay_underlay_interface': 'ens3'},
}

NETDEV = {
    'host1': dict(HOSTVARS['host1'], overlay_datapath_type='netdev'),
    'host2': dict(HOSTVARS['host2'], overlay_datapath_type='netdev'),
}


def load(directory, hosts=None, base_dir=None):
    return load_tenants(directory, HOSTS if hosts is None else hosts, SCHEMA,
                        base_dir=base_dir or directory)


def example_tenants():
    tenants, errors = load(EXAMPLE_DIR, HOSTVARS, base_dir=ROOT)
    assert errors == []
    return tenants


def tenant(name, vni, subnet='10.0.0.0/24', snat=False, endpoints=(), mtu=1450):
    """A normalised tenant as overlay_tenants returns it."""
    prefix = int(subnet.split('/')[1])
    eps = [dict(name=n, host=h, ip=ip, prefixlen=prefix) for n, h, ip in endpoints]
    return dict(name=name, vni=vni, subnet=subnet, prefixlen=prefix,
                gateway=subnet.rsplit('.', 1)[0] + '.1', snat=snat, mtu=mtu,
                hosts=sorted(set(h for _, h, _ in endpoints)),
                endpoints=sorted(eps, key=lambda e: (e['name'], e['host'])))
