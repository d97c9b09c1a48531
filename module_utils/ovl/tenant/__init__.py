# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The tenant inventory (controller side): load, validate, and per-host desired state."""
