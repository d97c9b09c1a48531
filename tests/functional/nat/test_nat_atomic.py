"""A NAT write that really fails part way (docs/design.md, "All or
nothing, per layer"). One `nft -f -` or `iptables-restore --noflush` per
namespace; the namespaces before the failing one are done, and the next run
finishes. What the failing one keeps differs, measured here:
- nft: one transaction; the namespace is left exactly as it was.
- iptables (nf_tables and legacy alike): each table is committed at its own
  COMMIT line, so a failure in the last table (filter) leaves that table as
  it was but the nat table before it applied.
The failure is real: a line the kernel refuses is added to the second
namespace's payload, at its very end (after every table but the last is
complete)."""
import pytest

from fixtures.netns import sh
import nat_state
from modrun import run_module, run_with_fault
from test_nat_state import BACKENDS, BLUE, dump, variant  # noqa: F401  (fixture)

def filter_table(ns):
    return [line for line in sh('iptables-save', '-t', 'filter', ns=ns).splitlines()
            if not line.startswith('#')]   # the comment lines carry the time


BAD = {'iptables': '-A OVL-NO-SUCH-CHAIN -j ACCEPT\n', 'nft': 'add rule ip ovl no-such-chain accept\n'}


def spoil(data, backend):
    """*data* with a refused line before its last COMMIT (iptables) or at its end (nft)."""
    if backend == 'nft':
        return data + BAD['nft']
    head, sep, tail = data.rpartition('COMMIT')
    return head + BAD['iptables'] + sep + tail


@pytest.mark.parametrize('backend', BACKENDS)
def test_a_namespace_whose_restore_fails_is_left_as_it_was(make_netns, variant,  # noqa: F811
                                                           backend):
    backend = variant(backend)
    first, second = make_netns('tna'), make_netns('tna')
    args = dict(backend=backend, prune=True, namespaces=[
        dict(netns=ns, snat=[BLUE], block_inbound=[dict(id='blue-in', in_interface='qg0')])
        for ns in (first, second)])
    before = dump(second) if backend == 'nft' else filter_table(second)

    def fault(argv, data, earlier):
        if data and sum(1 for _, d in earlier if d) == 1:    # the second namespace's write
            return argv, spoil(data, backend)
        return None
    failed, spoiled = run_with_fault(nat_state, args, fault)
    assert spoiled and failed['failed'], failed
    assert second in failed['msg'] or 'failed (rc=' in failed['msg'], failed['msg']
    if backend == 'nft':
        assert dump(second) == before, 'the failed transaction changed the namespace'
    else:
        assert filter_table(second) == before, 'the table whose COMMIT failed changed'
    assert 'ovl:blue' in dump(first)

    again = run_module(nat_state, args)
    assert not again['failed'] and again['changed'], again
    assert 'ovl:blue' in dump(second)
    assert run_module(nat_state, args)['changed'] is False
