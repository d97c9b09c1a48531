# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Open vSwitch bridges and ports: model, one-process read, planners, one-transaction exec."""
