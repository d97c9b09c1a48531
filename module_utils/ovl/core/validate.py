# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Input validation shared by every module and by the inventory filters.

Each checker takes the value and the *field* it came from (an option name such
as ``tag`` or a path such as ``ports[3].tag``) and either returns the
normalised value or raises :class:`InputError`, whose message names the field,
the value and what is allowed. Nothing here touches the machine.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

IFNAME_RE = re.compile(r'^[A-Za-z0-9_.-]{1,15}\Z')
NETNS_RE = re.compile(r'^[A-Za-z0-9_.-]{1,64}\Z')
OWNER_RE = re.compile(r'^[A-Za-z0-9_-]{1,32}\Z')
CONTROL_RE = re.compile(r'[\x00-\x1f\x7f\u2028\u2029]')
MAP_KEY_RE = re.compile(r'^[A-Za-z0-9_.:-]{1,64}\Z')
MAC_RE = re.compile(r'^[0-9a-f]{2}(:[0-9a-f]{2}){5}\Z')
VLAN_MIN, VLAN_MAX = 1, 4094
VNI_MIN, VNI_MAX = 1, 16777215
MTU_MIN, MTU_MAX = 68, 65535


class InputError(ValueError):
    """A value the user gave that cannot be used; the message says why."""

    def __init__(self, field, value, reason):
        self.field = field
        self.value = value
        self.reason = reason
        super(InputError, self).__init__('%s: %r %s' % (field, value, reason))


def _int(value, field, low, high, what):
    if isinstance(value, bool):
        raise InputError(field, value, 'is not %s' % what)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InputError(field, value, 'is not %s' % what)
    if str(number) != str(value).strip() and not isinstance(value, int):
        raise InputError(field, value, 'is not %s' % what)
    if not low <= number <= high:
        raise InputError(field, value, 'is outside %d-%d (%s)' % (low, high, what))
    return number


def kbit(value, field):
    """A rate (kbit/s) or burst (kbit) of a rate limit: an int 1-100000000
    (no text: the modules' argument specs have made it an int already)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10 ** 8:
        raise InputError(field, value, 'is not an integer 1-100000000')
    return value


def vlan_tag(value, field='tag'):
    return _int(value, field, VLAN_MIN, VLAN_MAX, 'a VLAN tag')


def vni(value, field='vni'):
    return _int(value, field, VNI_MIN, VNI_MAX, 'a VXLAN network identifier')


def mtu(value, field='mtu'):
    return _int(value, field, MTU_MIN, MTU_MAX, 'an MTU')


def port_number(value, field='dst_port'):
    return _int(value, field, 1, 65535, 'a UDP port')


def ifname(value, field='name'):
    """A Linux interface (or namespace-safe) name: 1-15 of [A-Za-z0-9_.-]."""
    if not isinstance(value, str) or not value:
        raise InputError(field, value, 'is not an interface name')
    if len(value) > 15:
        raise InputError(field, value, 'is longer than 15 characters (%d)' % len(value))
    if not IFNAME_RE.match(value) or value in ('.', '..'):
        raise InputError(field, value, 'has characters outside [A-Za-z0-9_.-]')
    return value


def netns_name(value, field='netns'):
    """A network namespace name (a file under /run/netns); None or '' = the host."""
    if value is None or value == '':
        return None
    if not isinstance(value, str) or not NETNS_RE.match(value) or value in ('.', '..'):
        raise InputError(field, value, 'is not a namespace name (1-64 of [A-Za-z0-9_.-])')
    return value


def _mark_text(value, field, what):
    if not isinstance(value, str) or not OWNER_RE.match(value):
        raise InputError(field, value, 'is not %s (1-32 of [A-Za-z0-9_-])' % what)
    return value


def owner_name(value, field='owner'):
    """The ownership mark every module writes (external_ids, ifalias, rule
    comments): 1-32 of [A-Za-z0-9_-], the same rule for every module."""
    return _mark_text(value, field, 'an owner name')


def label(value, field='tenant'):
    """A name written into a mark (e.g. a port's tenant): the owner rule."""
    return _mark_text(value, field, 'a name')


def one_line(value, field):
    """Free text that goes into a command's argument or a line of its
    stdin: no line break, NUL or other control character."""
    text = str(value)
    if CONTROL_RE.search(text):
        raise InputError(field, value, 'holds a line break or control character')
    return text


def mac_address(value, field='address'):
    """An Ethernet unicast address, ``02:ab:...`` (lowercase, six octets):
    not multicast/broadcast (lowest bit of the first octet), not all zeros."""
    text = str(value).strip().lower() if isinstance(value, str) else None
    if text is None or not MAC_RE.match(text):
        raise InputError(field, value, 'is not an Ethernet address (six hex octets, e.g. '
                                       '02:00:5e:10:00:01)')
    if int(text[:2], 16) & 1 or text == '00:00:00:00:00:00':
        raise InputError(field, value, 'is not a unicast Ethernet address (the first octet '
                                       'must be even, and not all zeros)')
    return text


def ip_address(value, field='ip'):
    """A single IPv4/IPv6 address, returned in canonical text form."""
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        raise InputError(field, value, 'is not an IP address')


def ip_interface(value, field='address'):
    """An address with prefix length (10.0.0.1/24); the prefix is required."""
    text = str(value).strip()
    if '/' not in text:
        raise InputError(field, value, 'is not an address with prefix length (e.g. 10.0.0.1/24)')
    try:
        return str(ipaddress.ip_interface(text))
    except ValueError:
        raise InputError(field, value, 'is not an address with prefix length (e.g. 10.0.0.1/24)')


def cidr(value, field='cidr'):
    """A network in CIDR form with no host bits set (10.0.0.0/24)."""
    text = str(value).strip()
    try:
        return str(ipaddress.ip_network(text, strict=True))
    except ValueError as exc:
        if 'host bits set' in str(exc):
            raise InputError(field, value, 'has host bits set (did you mean %s?)'
                             % ipaddress.ip_network(text, strict=False))
        raise InputError(field, value, 'is not a network in CIDR form (e.g. 10.0.0.0/24)')
