# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Host side of a run, before any write: what the host has (tools, kernel, Open vSwitch), where its underlay is, and the tenants' local VLANs."""
