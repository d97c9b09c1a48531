"""The plugin's host config (ovl.docker.config): what the roles write, refused
with the field and the value before the plugin serves anything; the IPAM
range of a host (ovl.docker.ipam)."""
import pytest

from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.docker import api
from ansible.module_utils.ovl.docker.config import load_config

BLUE = {'subnet': '10.0.0.0/24', 'gateway': '10.0.0.1', 'mtu': 1450, 'tag': 3}


@pytest.mark.parametrize('change, field', [
    ({'subnet': '10.0.0.1/24'}, 'tenants.blue.subnet'),
    ({'subnet': 'fd00::/64'}, 'tenants.blue.subnet'),
    ({'gateway': '10.1.0.1'}, 'tenants.blue.gateway'),
    ({'range': '10.1.0.0/26'}, 'tenants.blue.range'),
    ({'tag': 0}, 'tenants.blue.tag'),
    ({'mtu': 'big'}, 'tenants.blue.mtu'),
    ({'reserved': ['10.0.0.x']}, 'tenants.blue.reserved[0]'),
    ({'reserved': '10.0.0.2'}, 'tenants.blue.reserved'),
])
def test_a_bad_config_names_the_field(change, field):
    with pytest.raises(InputError) as exc:
        load_config({'tenants': {'blue': dict(BLUE, **change)}})
    assert str(exc.value).startswith(field + ':')


def test_the_range_is_used_up_then_refused():
    config = load_config({'tenants': {'blue': dict(BLUE, range='10.0.0.4/30')}})
    state = api.empty_state()
    pool = api.answer('/IpamDriver.RequestPool', {'Options': {'tenant': 'blue'}}, config, state,
                      None)[0]['PoolID']
    got = [api.answer('/IpamDriver.RequestAddress', {'PoolID': pool}, config, state, None)[0]
           for _ in range(3)]
    assert [g.get('Address') for g in got[:2]] == ['10.0.0.5/24', '10.0.0.6/24']
    assert got[2]['Err'].endswith("no free address left in 10.0.0.4/30 (tenant blue's range on "
                                  "this host)")
