# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Floating addresses on the host (issue 23): each one a /32 on the host's
uplink, announced by gratuitous ARP when added, and the route of its NAT
address to its tenant's router. ``model`` (the input, validated), ``read``
(addresses, routes, our marker files), ``plan`` (add, move, remove),
``driver`` (the ``floating`` layer), ``drift``. The NAT rules that go with
them are the ``nat`` layer's (``ovl.tenant.offered``)."""
