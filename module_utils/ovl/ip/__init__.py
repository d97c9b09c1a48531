# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Links, addresses, routes and namespaces: model, rtnetlink read, plan, ip -batch exec."""
