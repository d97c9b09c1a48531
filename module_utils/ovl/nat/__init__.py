# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""SNAT and inbound blocks with iptables or nft: model, syntax, read, plan."""
