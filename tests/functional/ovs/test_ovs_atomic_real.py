"""An OVS write that really fails (docs/design.md, "All or nothing, per
layer"): ovs_state's changes are one OVSDB transaction, so a transaction
that fails at its last sub-command leaves the database exactly as it was,
and the next run makes all of it. The failure is real: a sub-command the
server refuses (a port on a bridge that does not exist) is appended to the
module's own transaction."""
import ovs_state
from modrun import run_module, run_with_fault
from test_ovs_modules_real import _state_args


def test_a_failing_transaction_changes_nothing(ovs):
    args = dict(_state_args({'blue': ['ab1', 'ab2'], 'red': ['ar1']}), db=ovs.db)
    before = ovs.dump()

    def fault(argv, data, earlier):
        if 'add-port' in argv:
            return list(argv) + ['--', 'add-port', 'br-no-such', 'ax1'], data
        return None
    failed, spoiled = run_with_fault(ovs_state, args, fault)
    assert spoiled and failed['failed'], failed
    assert 'br-no-such' in failed['msg'], failed['msg']
    assert ovs.dump() == before, 'a failed transaction changed the database'
    assert 'br-s' not in ovs.vsctl('list-br').split()

    again = run_module(ovs_state, args)
    assert not again['failed'] and again['changed'], again
    assert sorted(ovs.vsctl('list-ports', 'br-s').split()) == ['ab1', 'ab2', 'ar1']
    assert run_module(ovs_state, args)['changed'] is False
