# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Pure planner: ``plan(want, have) -> [Step, ...]`` for namespaces and links.
Addresses and routes are planned by ``ovl.ip.plan_addr``.

Action order (every step may depend on the ones before it):
  1. create namespaces, their marker files and sysctls (a stale entry of one
     of ours, a /run/netns file with no namespace mounted on it, is deleted
     first and the namespace made anew);
  2. delete links, all namespaces first (pruned, ``absent``, and links whose
     immutable attributes changed), so their names are free again;
  3. create and converge links in their own namespace (a new veth is made
     with its peer already moved to ``peer_netns``);
  4. the flood lists of vxlan devices (``bridge fdb append|del
     00:00:00:00:00:00 dev DEV dst PEER``: head-end replication to peers);
  5. per namespace: converge veth peers living there, then addresses, then
     routes;
  6. ``ethtool -K DEV tx on|off`` for veth ends;
  7. delete namespaces (``absent`` and pruned) and their marker files.
``ip`` (and ``bridge``) commands of one namespace in one step are batched by
``ovl.ip.batch``.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.marks import IFALIAS_PREFIX
from ansible.module_utils.ovl.core.step import Step, ip_step
from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.ip.plan_addr import plan_addresses, plan_routes

VXLAN_IMMUTABLE = ('id', 'remote', 'local', 'dev', 'dstport')
FDB_STEP, PEER_STEP = 2, 3
ZERO_MAC = '00:00:00:00:00:00'


def mark(owner):
    return IFALIAS_PREFIX + owner


def ns_key(ns):
    return ns or ''


class _Plan(object):
    """Commands collected per step and namespace, flattened in step order."""

    def __init__(self):
        self.first, self.ethtool, self.last = [], [], []
        self.steps = ({}, {}, {}, {})   # delete, create/converge, fdb, peers+addresses+routes
        self.fresh = set()          # (ns, dev) made in this run: no addresses yet
        self.deleted = set()        # (ns, dev) deleted in step 2

    def ip(self, phase, ns, op, obj, *tokens, **kw):
        self.add(phase, ip_step(op, ns, obj, *tokens, **kw))

    def add(self, phase, item):
        self.steps[phase].setdefault(item.netns, []).append(item)

    def fdb(self, ns, verb, dev, peer):
        args = ['fdb', verb, ZERO_MAC, 'dev', dev, 'dst', peer]
        self.add(FDB_STEP, Step('fdb.' + verb, 'bridge', args, ns, dev, peer))

    def commands(self):
        out = list(self.first)
        for step in self.steps:
            for ns in sorted(step, key=ns_key):
                out.extend(step[ns])
        return out + self.ethtool + self.last


def _ns_exists(ns, want, have):
    if ns is None or ns in have['netns']:
        return True
    return any(n['name'] == ns and n['state'] == 'present' for n in want['namespaces'])


def plan_namespaces(want, have, plan):
    """Namespaces first, in this order so that ``ip netns add``/``del`` of a
    whole run go to ONE ``ip -batch`` (``ovl.ip.batch``; one process per
    namespace cost ~40 ms each at 1000 namespaces, the mount table grows with
    them): the marker directory and the markers of the namespaces to make
    (a marker whose namespace is not there yet is made again by the next
    run: it is only ever read together with /run/netns), the stale entries
    deleted, the namespaces made, then their sysctls. At the end, the
    namespaces deleted, then their markers."""
    marks, made, sysctls, gone, unmarked = [], [], [], [], []
    listed = set()
    for ns in want['namespaces']:
        name = ns['name']
        listed.add(name)
        marker = '%s/%s' % (want['mark_dir'], name)
        if ns['state'] == 'absent':
            if name in have['netns']:
                gone.append(_netns('del', name))
            if name in have['marked']:
                unmarked.append(Step('mark.del', 'rm', ['-f', marker], obj=name, detail=marker))
            continue
        current = have['sysctls'].get(name, {})
        if name in have.get('stale', ()):
            if name not in have['marked']:
                raise InputError('namespaces', name, 'exists in /run/netns with no namespace '
                                 'mounted on it, and it is not ours (no marker in %s): remove '
                                 'it (ip netns del %s)' % (want['mark_dir'], name))
            made.append(_netns('del', name))
        if name not in have['netns']:
            made.append(_netns('add', name))
            marks.append(Step('mark.add', 'touch', [marker], obj=name, detail=marker))
            current = {}
        for key, value in sorted(ns['sysctls'].items()):
            if current.get(key) != value:
                sysctls.append(Step('sysctl', 'sysctl', ['-w', '%s=%s' % (key, value)], name,
                                    key, value))
    if want['prune']:
        for name in sorted(have['marked'] - listed):
            if name in have['netns'] or name in have.get('stale', ()):
                gone.append(_netns('del', name))
            marker = '%s/%s' % (want['mark_dir'], name)
            unmarked.append(Step('mark.del', 'rm', ['-f', marker], obj=name, detail=marker))
    if marks:
        marks.insert(0, Step('mark.dir', 'mkdir', ['-p', want['mark_dir']], obj=want['mark_dir'],
                             detail=want['mark_dir']))
    plan.first.extend(marks + made + sysctls)
    plan.last.extend(gone + unmarked)
    return set(s.obj for s in plan.last if s.op == 'netns.del')


def _netns(verb, name):
    return ip_step('netns.' + verb, None, name, 'netns', verb, name)


def _peer_ns(link):
    return link['peer_netns'] or link['netns']


def _links(have, ns):
    return have['ns'].get(ns, {}).get('links', {})


def needs_recreate(link, cur, have):
    """True when *cur* cannot be converged to *link* with ``ip link set``."""
    if cur['kind'] != link['kind']:
        return True
    if link['kind'] == 'vxlan':
        return any(cur.get(key) != link[key] for key in VXLAN_IMMUTABLE)
    pns = _peer_ns(link)
    if pns == link['netns']:
        return cur['other_ns'] or cur['peer'] != link['peer']
    peer = _links(have, pns).get(link['peer'])
    return (not cur['other_ns'] or peer is None or peer.get('kind') != 'veth'
            or peer.get('link_index') != cur['ifindex']
            or cur.get('link_index') != peer.get('ifindex'))


def _create(link, owner, plan):
    ns, name = link['netns'], link['name']
    mtu = ['mtu', str(link['mtu'])] if link['mtu'] else []
    mac = ['address', link['address']] if link.get('address') else []
    argv = ['link', 'add', name] + mtu + mac + ['type', link['kind']]
    made = [(ns, name)]
    if link['kind'] == 'veth':
        peer_mac = ['address', link['peer_address']] if link.get('peer_address') else []
        argv += ['peer', 'name', link['peer']] + mtu + peer_mac
        if _peer_ns(link) != ns:
            argv += ['netns', _peer_ns(link)]
        plan.fresh.add((_peer_ns(link), link['peer']))
        made.append((_peer_ns(link), link['peer']))
    else:
        argv += ['id', str(link['id'])]
        for key in ('remote', 'local', 'dev'):
            if link[key]:
                argv += [key, link[key]]
        argv += ['dstport', str(link['dstport'])]
        if link['learning'] is not None:
            argv.append('learning' if link['learning'] else 'nolearning')
    plan.fresh.add((ns, name))
    plan.ip(1, ns, 'link.add', name, *argv, made=made)
    _set(plan, 1, ns, name, 'alias', mark(owner))
    if link['state'] == 'up':
        _set(plan, 1, ns, name, 'up')
        if link['kind'] == 'veth':
            pns = _peer_ns(link)
            _set(plan, 1 if pns == ns else PEER_STEP, pns, link['peer'], 'up')


def _set(plan, phase, ns, dev, *settings):
    """``ip link set DEV SETTINGS`` (the detail: the settings)."""
    plan.ip(phase, ns, 'link.set', dev, 'link', 'set', dev, *settings,
            detail=' '.join(settings))


def _converge(link, cur, have, plan):
    """``ip link set`` for what differs on an existing link (and its peer)."""
    ns = link['netns']
    ends = [(1, ns, link['name'], cur, link.get('address'))]
    if link['kind'] == 'veth':
        pns = _peer_ns(link)
        ends.append((1 if pns == ns else PEER_STEP, pns, link['peer'],
                     _links(have, pns).get(link['peer']), link.get('peer_address')))
    elif link['learning'] is not None and cur.get('learning') != link['learning']:
        _set(plan, 1, ns, link['name'], 'type', 'vxlan',
             'learning' if link['learning'] else 'nolearning')
    for step, where, dev, now, mac in ends:
        now = now or {}
        if mac and now.get('mac') != mac:
            _set(plan, step, where, dev, 'address', mac)
        if link['mtu'] and now.get('mtu') != link['mtu']:
            _set(plan, step, where, dev, 'mtu', str(link['mtu']))
        if link['state'] in ('up', 'down') and now.get('up') != (link['state'] == 'up'):
            _set(plan, step, where, dev, link['state'])


def _flood(link, cur, plan):
    """Make the vxlan device's all-zeros FDB entries exactly ``flood``."""
    if link['kind'] != 'vxlan' or link.get('flood') is None:
        return
    now = set((cur or {}).get('flood') or [])
    for peer in link['flood']:
        if peer not in now:
            plan.fdb(link['netns'], 'append', link['name'], peer)
    for peer in sorted(now - set(link['flood'])):
        plan.fdb(link['netns'], 'del', link['name'], peer)


def _ethtool(link, plan, have):
    if link['tx_offload'] is None or link['state'] == 'absent':
        return
    for ns, dev in ((link['netns'], link['name']), (_peer_ns(link), link['peer'])):
        now = True if (ns, dev) in plan.fresh else have['offload'].get((ns, dev))
        if now != link['tx_offload']:
            value = 'on' if link['tx_offload'] else 'off'
            plan.ethtool.append(Step('offload', 'ethtool', ['-K', dev, 'tx', value], ns, dev,
                                     'tx ' + value))


def _delete(plan, ns, name):
    if (ns, name) not in plan.deleted:
        plan.deleted.add((ns, name))
        plan.ip(0, ns, 'link.del', name, 'link', 'del', name)


def plan_links(want, have, plan, doomed):
    listed = set()
    for link in want['links']:
        if link['state'] != 'absent':
            listed.add((link['netns'], link['name']))
            if link['kind'] == 'veth':
                listed.add((_peer_ns(link), link['peer']))
    if want['prune']:
        for ns in sorted(have['ns'], key=ns_key):
            if ns in doomed:
                continue
            for name, cur in sorted(have['ns'][ns]['links'].items()):
                if cur.get('alias') == mark(want['owner']) and (ns, name) not in listed:
                    _delete(plan, ns, name)
    for link in want['links']:
        ns = link['netns']
        cur = _links(have, ns).get(link['name'])
        if link['state'] == 'absent':
            if cur:
                _delete(plan, ns, link['name'])
            continue
        for field, where in (('netns', ns), ('peer_netns', link['peer_netns'])):
            if not _ns_exists(where, want, have):
                raise InputError(field, where, 'does not exist (link %s); create the namespace '
                                 'first (netns module or ip_state namespaces)' % link['name'])
        if cur and needs_recreate(link, cur, have):
            _delete(plan, ns, link['name'])
            cur = None
        if cur is None:
            _create(link, want['owner'], plan)
        else:
            _converge(link, cur, have, plan)
        _flood(link, cur, plan)
        _ethtool(link, plan, have)


def plan(want, have):
    """All steps, in order, that turn *have* into *want*."""
    p = _Plan()
    doomed = plan_namespaces(want, have, p)
    plan_links(want, have, p, doomed)
    addr_steps = plan_addresses(want, have, p.fresh)
    # routes on a device that loses an address may go with it: re-assert them
    touched = p.fresh | set((s.netns, s.obj) for s in addr_steps if s.op == 'addr.del')
    for item in addr_steps + plan_routes(want, have, touched):
        p.add(PEER_STEP, item)
    return p.commands()


def created_here(steps):
    """Names of the host-namespace devices that *steps* make (a link made
    there, and a veth peer left in the host namespace): a port of OVS on
    such a device has to be opened again (``ovs_state`` ``reopen``)."""
    return sorted(set(dev for s in steps if s.op == 'link.add' for ns, dev in s.made
                      if ns is None))


def touched_namespaces(steps):
    """Names of the namespaces in which *steps* change anything."""
    return sorted(set(s.netns for s in steps if s.netns))


def made_namespaces(steps):
    """Names of the namespaces *steps* make: new and empty when the plan has
    run (no NAT rule to read in them)."""
    return sorted(set(s.obj for s in steps if s.op == 'netns.add'))
