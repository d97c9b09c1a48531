"""ovl.flows.meters: the rate limit from a port as an OpenFlow meter and its
in_port flow; ours by id (0x0f1c0000 + the port's number)."""
import pytest

from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.flows.meters import (
    METER_BASE, normalize_meters, parse_meters, plan_meters)

DUMP = """OFPST_METER_CONFIG reply (OF1.3) (xid=0x2):
meter=7 kbps bands=
type=drop rate=1000
meter=253493253 kbps burst bands=
type=drop rate=10000 burst_size=8000
"""
WANT = [dict(port='ove1', max_kbps=10000, burst_kbit=8000)]


def test_only_our_meters_are_read():
    assert parse_meters(DUMP) == {METER_BASE + 5: dict(max_kbps=10000, burst_kbit=8000,
                                                       flags=['burst', 'kbps'])}


def test_a_missing_meter_is_added_with_its_flow():
    puts, drops, flows, before, after = plan_meters(WANT, {}, {'ove1': 5})
    assert puts == [['add-meter', 'meter=%d,kbps,burst,band=type=drop,rate=10000,burst_size=8000'
                     % (METER_BASE + 5)]]
    assert drops == [] and before == {'ove1': None}
    assert flows == [dict(table=0, priority=10, match='in_port=ove1',
                          actions='meter:%d,NORMAL' % (METER_BASE + 5))]


def test_the_same_meter_is_nothing_to_do_but_its_flow_is_kept():
    puts, drops, flows, before, after = plan_meters(WANT, parse_meters(DUMP), {'ove1': 5})
    assert (puts, drops, len(flows)) == ([], [], 1) and before == after


def test_a_changed_rate_is_a_mod_and_an_unwanted_meter_is_deleted():
    puts = plan_meters([dict(WANT[0], max_kbps=20000)], parse_meters(DUMP), {'ove1': 5})[0]
    assert puts[0][0] == 'mod-meter' and 'rate=20000' in puts[0][1]
    _, drops, flows, before, after = plan_meters([], parse_meters(DUMP), {'ove1': 5})
    assert drops == [['del-meter', 'meter=%d' % (METER_BASE + 5)]] and flows == []
    assert after == {'ove1': None} and before['ove1']['max_kbps'] == 10000


def test_a_port_made_again_with_another_number_gets_another_meter():
    puts, drops, _, _, _ = plan_meters(WANT, parse_meters(DUMP), {'ove1': 9})
    assert puts[0][1].startswith('meter=%d,' % (METER_BASE + 9))
    assert drops == [['del-meter', 'meter=%d' % (METER_BASE + 5)]]


def test_a_port_not_on_the_bridge_is_an_error_but_missing_in_check_mode():
    with pytest.raises(InputError):
        plan_meters(WANT, {}, {})
    assert plan_meters(WANT, {}, {}, check_mode=True)[3] == {'ove1': None}


@pytest.mark.parametrize('items', [[dict(WANT[0], max_kbps=0)], WANT + WANT,
                                   [dict(WANT[0], port='a b')]])
def test_bad_meters_are_refused_naming_the_field(items):
    with pytest.raises(InputError) as err:
        normalize_meters(items)
    assert str(err.value).startswith('meters[')
