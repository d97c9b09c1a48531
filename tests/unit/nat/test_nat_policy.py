"""ovl.nat.policy on nft's JSON: which forward chains with policy drop the
project's accept cannot pass; unreadable text is no finding."""
import json

import pytest

from ansible.module_utils.ovl.nat.policy import dropping_forward_chains


def listing(*chains):
    return json.dumps({'nftables': [{'metainfo': {'json_schema_version': 1}}] + [
        {'chain': dict(family=f, table=t, name=n, hook=h, policy=p, type='filter', prio=0)}
        for f, t, n, h, p in chains] + [{'chain': {'family': 'ip', 'table': 'x', 'name': 'reg'}}]})


@pytest.mark.parametrize('chains, backend, found', [
    ([('ip', 'filter', 'FORWARD', 'forward', 'drop')], 'nft', [('ip', 'filter', 'FORWARD')]),
    ([('ip', 'filter', 'FORWARD', 'forward', 'drop')], 'iptables', []),
    ([('ip', 'ovl', 'forward', 'forward', 'drop')], 'nft', []),
    ([('inet', 'fw', 'f', 'forward', 'drop'), ('ip', 'filter', 'INPUT', 'input', 'drop')],
     'iptables', [('inet', 'fw', 'f')]),
    ([('inet', 'fw', 'f', 'forward', 'accept')], 'nft', []),
])
def test_found(chains, backend, found):
    assert dropping_forward_chains(listing(*chains), backend) == found


@pytest.mark.parametrize('text', ['', 'not json', '[]', '{"nftables": [1, "x", {"chain": 3}]}'])
def test_unreadable_is_no_finding(text):
    assert dropping_forward_chains(text, 'nft') == []
