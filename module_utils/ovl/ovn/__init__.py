# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The OVN backend: the NB model, its one-transaction planner, the chassis."""
