# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""OpenFlow rules owned by the project (cookies): model, read, plan."""
