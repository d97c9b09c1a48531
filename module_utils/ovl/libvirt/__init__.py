# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""libvirt on a host with VM endpoints (issue 22): the host's libvirt
network (``network``: its XML, pure), what libvirt and OVS have (``read``),
the plan (``plan``), the ``libvirt`` layer (``driver``) and its drift
(``drift``)."""
