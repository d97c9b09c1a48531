# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""``plan(want, have, prune) -> [Step]``, pure.

Routes first: each NAT address routed via its router (``ip route replace``),
and with *prune* a route into the NAT pool no longer wanted deleted.
Then each floating address: its marker written (before the address, so an
address without a marker is never ours), the /32 added to its device and
announced (gratuitous ARP: the neighbours' ARP caches, the switches' MAC
tables follow at once when it comes from another host). One of ours on
another device (the uplink changed) is deleted there first. An address
this host holds that is not ours (no marker, or a marker for another
device) is refused: nothing the product did not add is taken over or
removed. With *prune*, a marked address no longer wanted is deleted and
its marker removed.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.ovl.core.step import Step, ip_step
from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.floating.read import foreign


def _addr(verb, addr, dev, why):
    return ip_step('addr.' + verb, None, addr, 'addr', verb, addr + '/32', 'dev', dev,
                   detail='%s %s' % (dev, why))


def _routes(want, have, prune):
    steps = []
    for dst, (via, dev) in sorted(want['routes'].items()):
        if have['routes'].get(dst) != (via, dev):
            steps.append(ip_step('route.replace', None, dst, 'route', 'replace', dst, 'via', via,
                                 'dev', dev, detail='via %s dev %s' % (via, dev)))
    if prune:
        for dst in sorted(set(have['routes']) - set(want['routes'])):
            steps.append(ip_step('route.del', None, dst, 'route', 'del', dst,
                                 detail='dev %s' % have['routes'][dst][1]))
    return steps


def _address(addr, dev, owner, have, mark_dir):
    held = have['holders'].get(addr, [])
    mine = have['marked'].get(addr)
    if (dev, 32) in held and mine == dev:
        return []
    others = foreign(addr, have['holders'], have['marked'])
    if others:
        raise InputError('floating_ip', addr, 'is already an address of %s on this host, and '
                         'not one the product added (no marker in %s): remove it there, or '
                         'choose another floating address' % (others[0], mark_dir))
    steps = []
    if mine and mine != dev and held:
        steps.append(_addr('del', addr, mine, 'moved to ' + dev))
    marker = os.path.join(mark_dir, addr)
    if mine != dev:
        steps.append(Step('mark.add', 'tee', [marker], obj=marker, detail=dev, stdin=dev + '\n'))
    steps.append(_addr('add', addr, dev, 'floating address of ' + owner))
    steps.append(Step('addr.announce', 'arping', ['-U', '-c', '1', '-I', dev, addr], obj=addr,
                      detail='gratuitous ARP on %s' % dev))
    return steps


def plan(want, have, prune=True):
    steps = _routes(want, have, prune)
    for addr, (dev, owner) in sorted(want['addresses'].items()):
        steps += _address(addr, dev, owner, have, want['mark_dir'])
    if prune:
        for addr, dev in sorted(have['marked'].items()):
            if addr in want['addresses']:
                continue
            if any(h == dev for h, _plen in have['holders'].get(addr, [])):
                steps.append(_addr('del', addr, dev, 'no longer wanted'))
            marker = os.path.join(want['mark_dir'], addr)
            steps.append(Step('mark.del', 'rm', ['-f', marker], obj=marker))
    return steps
